import Foundation
import XCTest

/// The processes a run starts, found through `/proc`: its descendants while it runs (sampled, so a
/// test can signal them), and afterwards any process of this build's binary started since the
/// coordinator was, which is one the run left behind.
enum ProcessTable {
    /// One row of `/proc/PID/stat`.
    struct Entry {
        let parent: pid_t
        /// `R`, `S`, `D`, `T` (stopped), `Z` (zombie), ...
        let state: Character
        /// Clock ticks after boot.
        let startTime: UInt64
    }

    static func entry(_ pid: pid_t) -> Entry? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the parenthesised name: state (3), ppid (4), ..., starttime (22).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = pid_t(fields[1]),
            let start = UInt64(fields[19])
        else { return nil }
        return Entry(parent: parent, state: state, startTime: start)
    }

    /// Every process now, by pid.
    static func all() -> [pid_t: Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var table: [pid_t: Entry] = [:]
        for name in names {
            guard let pid = pid_t(name), let entry = entry(pid) else { continue }
            table[pid] = entry
        }
        return table
    }

    /// The children, grandchildren, ... of `root` now.
    static func descendants(of root: pid_t) -> Set<pid_t> {
        let table = all()
        var found = Set<pid_t>()
        var frontier = [root]
        while let parent = frontier.popLast() {
            for (pid, entry) in table where entry.parent == parent && found.insert(pid).inserted {
                frontier.append(pid)
            }
        }
        return found
    }

    /// The children of `pid` now, from its threads' `children` lists: much quicker than a scan of
    /// /proc, for a test that must catch a child right after it starts.
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { pid_t($0) }
        }
    }

    /// The run's zygote: the coordinator's child that forks the workers (they share its command line).
    static func zygote(of coordinator: pid_t) -> pid_t? {
        children(of: coordinator).first { command($0).hasSuffix(" zygote ") }
    }

    /// Running or stopped; a zombie has ended (reaping it is its parent's business).
    static func isAlive(_ pid: pid_t) -> Bool { entry(pid).map { $0.state != "Z" && $0.state != "X" } ?? false }

    static func command(_ pid: pid_t) -> String {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    /// Live processes of `binary` that started no earlier than `since` (clock ticks after boot).
    static func running(binary: URL, startedSince since: UInt64) -> [pid_t] {
        all().compactMap { pid, entry in
            guard entry.startTime >= since, entry.state != "Z", entry.state != "X",
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"))
                    == binary.resolvingSymlinksInPath().path
            else { return nil }
            return pid
        }
    }

    /// Fails the test with every process of the run still alive `seconds` after it ended: those
    /// seen among `coordinator`'s descendants, and any of the binary started since the coordinator.
    static func assertNoneLeft(
        coordinatorStart: UInt64, seen: Set<pid_t>, within seconds: Double, _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let left = {
            Set(seen.filter(isAlive)).union(running(binary: SimulateBinary.url, startedSince: coordinatorStart))
                .sorted()
        }
        let deadline = Date().addingTimeInterval(seconds)
        while !left().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let survivors = left()
        XCTAssertEqual(
            survivors.map { "\($0) \(entry($0)?.state ?? "?") \(command($0))" }, [],
            "still alive \(seconds) s after the run ended. \(message)", file: file, line: line)
        for pid in survivors { kill(pid, SIGKILL) }  // the next test starts clean
    }
}

/// Samples a running coordinator's descendants every few milliseconds, so that a test knows every
/// process the run started, including those reparented after their parent died.
final class DescendantWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var found = Set<pid_t>()
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(coordinator: pid_t) {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let now = ProcessTable.descendants(of: coordinator)
                lock.withLock { found.formUnion(now) }
                Thread.sleep(forTimeInterval: 0.02)
            }
            done.signal()
        }
    }

    /// Every process seen so far.
    var seen: Set<pid_t> { lock.withLock { found } }

    /// Stops sampling and returns every process seen.
    func stop() -> Set<pid_t> {
        lock.withLock { running = false }
        done.wait()
        return seen
    }
}
