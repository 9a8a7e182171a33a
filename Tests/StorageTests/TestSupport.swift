import Foundation
import TestSupport

@testable import Storage

/// Runs `body(index)` on `count` dedicated OS threads at once and waits for all of them.
/// Errors thrown by a body are collected and returned.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let errors = Locked<[String]>([])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            do { try body(index) } catch { errors.withValue { $0.append("thread \(index): \(error)") } }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return errors.current
}

/// Parses a JSON object text for assertions.
func jsonObject(_ text: String?) -> NSDictionary? {
    guard let text, let data = text.data(using: .utf8) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? NSDictionary
}

/// Holds `BEGIN IMMEDIATE` on `connection` for `milliseconds` on its own thread; returns once
/// the lock is held. `done` is signalled after the commit.
func holdWriteLock(_ connection: SQLiteConnection, milliseconds: Int, done: DispatchSemaphore) {
    let held = DispatchSemaphore(value: 0)
    let thread = Thread {
        try? connection.transaction(immediate: true) {
            held.signal()
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
        }
        done.signal()
    }
    thread.start()
    held.wait()
}
