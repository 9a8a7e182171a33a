import Foundation
import Model
import Storage

/// Meltano's run heartbeat: an UPDATE of `runs.last_heartbeat_at` every interval while the
/// run is alive, on its own connection and thread, as Meltano's heartbeat task does.
final class Heartbeat: @unchecked Sendable {
    private let database: any SystemDatabaseStore
    private let runRowID: Int64
    private let interval: Double
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopping = false
    private var beats = 0
    private var failures = 0

    /// Beats on `database`, a connection of its own.
    init(database: any SystemDatabaseStore, runRowID: Int64, interval: Double) {
        self.database = database
        self.runRowID = runRowID
        self.interval = interval
        let thread = Thread { [self] in self.loop() }
        thread.name = "heartbeat"
        thread.start()
    }

    /// Stops the thread and returns (beats, failed beats, and how long of the stop was a beat
    /// waiting for the database's lock).
    func stop() -> (beats: Int, failures: Int, lockWaitNs: UInt64) {
        let waits = database.stats.totalWaitNanoseconds
        let start = MonotonicClock.now()
        lock.withLock { stopping = true }
        wake.signal()
        finished.wait()
        let blocked = MonotonicClock.now() - start
        let waited = min(blocked, database.stats.totalWaitNanoseconds - waits)
        return lock.withLock { (beats, failures, waited) }
    }

    private func loop() {
        while true {
            do {
                try database.heartbeat(runRowID: runRowID, now: Date())
                lock.withLock { beats += 1 }
            } catch {
                lock.withLock { failures += 1 }
            }
            _ = wake.wait(timeout: .now() + interval)
            if lock.withLock({ stopping }) { break }
        }
        finished.signal()
    }
}
