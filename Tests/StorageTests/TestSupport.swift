import Foundation
@testable import Storage

/// A fresh folder under the temporary directory, removed by `cleanup()`.
struct TemporaryFolder {
    let path: String

    init(_ label: String = #function) throws {
        let name = "storage-tests-" + label.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A value shared between test threads. `@unchecked Sendable`: guarded by `lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    var current: Value { lock.withLock { value } }

    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&value) } }
}

/// Runs `body(index)` on `count` dedicated OS threads at once and waits for all of them.
/// Errors thrown by a body are collected and returned.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let errors = Locked<[String]>([])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            do { try body(index) } catch { errors.update { $0.append("thread \(index): \(error)") } }
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
