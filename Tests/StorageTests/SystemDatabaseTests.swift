import Foundation
import TestSupport
import Testing

@testable import Storage

@Suite struct SystemDatabaseTests {
    private func makeDatabase(_ folder: TemporaryDirectory) throws -> SystemDatabase {
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)
        return try SystemDatabase(path: path)
    }

    @Test func createsMeltanoSchemaInWALModeIdempotently() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)
        try SystemDatabase.create(at: path)  // second call must not fail
        let database = try SystemDatabase(path: path)
        #expect(try database.connection.journalMode() == "wal")

        func columns(_ table: String) throws -> [String] {
            try database.connection.query("PRAGMA table_info(\(table))").compactMap { $0[1].stringValue }
        }
        #expect(try columns("state") == ["state_id", "partial_state", "completed_state", "updated_at"])
        #expect(
            try columns("runs") == [
                "id", "job_name", "run_id", "state", "started_at", "last_heartbeat_at",
                "ended_at", "payload", "payload_flags", "trigger",
            ])
        let autoincrement =
            try database.connection.queryRow(
                "SELECT sql FROM sqlite_master WHERE name = 'runs'")?.first?.stringValue ?? ""
        #expect(autoincrement.contains("AUTOINCREMENT"))
    }

    @Test func runLifecycleEndsInOneSuccessRow() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let database = try makeDatabase(folder)
        let start = Date(timeIntervalSince1970: 1_700_000_000)

        let id = try database.insertRun(jobName: "dev:tap-a-to-target-b", runID: "run-1", trigger: "cli", now: start)
        #expect(try database.runningCount(jobName: "dev:tap-a-to-target-b") == 1)
        try database.heartbeat(runRowID: id, now: start.addingTimeInterval(1))
        try database.updateRunPayload(runRowID: id, payload: #"{"state": 1}"#, flags: 1)
        try database.endRun(runRowID: id, succeeded: true, now: start.addingTimeInterval(2))

        let rows = try database.connection.query(
            "SELECT id, job_name, run_id, state, started_at, last_heartbeat_at, ended_at, payload, payload_flags, \"trigger\" FROM runs"
        )
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row[0] == .integer(id))
        #expect(row[1] == "dev:tap-a-to-target-b")
        #expect(row[2] == "run-1")
        #expect(row[3] == "SUCCESS")
        #expect(row[4] == .text(StorageTimestamp.format(start)))
        #expect(row[5] == .text(StorageTimestamp.format(start.addingTimeInterval(1))))
        #expect(row[6] == .text(StorageTimestamp.format(start.addingTimeInterval(2))))
        #expect(row[7] == #"{"state": 1}"#)
        #expect(row[8] == .integer(1))
        #expect(row[9] == "cli")
        #expect(try database.runningCount(jobName: "dev:tap-a-to-target-b") == 0)
    }

    @Test func markStaleRunsMarksOnlyStaleRunningRows() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let database = try makeDatabase(folder)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let stale = try database.insertRun(
            jobName: "job", runID: "stale", trigger: "cli", now: now.addingTimeInterval(-600))
        let fresh = try database.insertRun(
            jobName: "job", runID: "fresh", trigger: "cli", now: now.addingTimeInterval(-600))
        try database.heartbeat(runRowID: fresh, now: now.addingTimeInterval(-1))
        let finished = try database.insertRun(
            jobName: "job", runID: "done", trigger: "cli", now: now.addingTimeInterval(-600))
        try database.endRun(runRowID: finished, succeeded: true, now: now.addingTimeInterval(-590))

        let changed = try database.markStaleRuns(heartbeatOlderThan: now.addingTimeInterval(-300), now: now)
        #expect(changed == 1)
        func state(_ id: Int64) throws -> SQLiteValue? {
            try database.connection.queryRow("SELECT state FROM runs WHERE id = ?", [.integer(id)])?.first
        }
        #expect(try state(stale) == "FAIL")
        #expect(try state(fresh) == "RUNNING")
        #expect(try state(finished) == "SUCCESS")
        let endedAt = try database.connection.queryRow("SELECT ended_at FROM runs WHERE id = ?", [.integer(stale)])?
            .first
        #expect(endedAt == .text(StorageTimestamp.format(now)))
        #expect(try database.runningCount(jobName: "job") == 1)
    }

    @Test func stateRoundTripAndWriteCounter() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let database = try makeDatabase(folder)
        #expect(try database.get(stateID: "dev:job") == nil)

        let first = try database.set(stateID: "dev:job", completed: #"{"singer_state": {"a": 1}}"#, partial: nil)
        #expect(first.writeSequence == 1)
        #expect(first.lockWaits == 0)
        let stored = try #require(try database.get(stateID: "dev:job"))
        #expect(jsonObject(stored.completedState) == ["singer_state": ["a": 1], "_simulate_writes": 1])
        #expect(jsonObject(stored.partialState) == [:])
        #expect(StorageTimestamp.parse(stored.updatedAt) != nil)

        #expect(try database.set(stateID: "dev:job", completed: nil, partial: #"{"x": 1}"#).writeSequence == 2)
        // A caller's own _simulate_writes is overwritten by the counter.
        #expect(
            try database.set(stateID: "dev:job", completed: #"{"_simulate_writes": 99}"#, partial: nil).writeSequence
                == 3)
        #expect(try database.get(stateID: "dev:job")?.writeCount == 3)
        #expect(try database.get(stateID: "other") == nil)
    }

    @Test func partialStatesDeepMergeAndCompletedClearsPartial() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let database = try makeDatabase(folder)
        try database.set(stateID: "s", completed: #"{"bookmarks": {"old": 1}}"#, partial: nil)
        try database.set(
            stateID: "s", completed: nil,
            partial: #"{"bookmarks": {"users": {"since": "2024-01-01", "page": 1}}, "n": 1}"#)
        try database.set(
            stateID: "s", completed: nil,
            partial: #"{"bookmarks": {"users": {"page": 2}, "orders": {"page": 7}}, "n": [2]}"#)
        let merged = try #require(try database.get(stateID: "s"))
        #expect(
            jsonObject(merged.partialState) == [
                "bookmarks": ["users": ["since": "2024-01-01", "page": 2], "orders": ["page": 7]],
                "n": [2],
            ])
        // Partial writes keep the completed state (and count).
        #expect(jsonObject(merged.completedState) == ["bookmarks": ["old": 1], "_simulate_writes": 3])

        try database.set(stateID: "s", completed: #"{"bookmarks": {"new": 2}}"#, partial: nil)
        let replaced = try #require(try database.get(stateID: "s"))
        #expect(jsonObject(replaced.completedState) == ["bookmarks": ["new": 2], "_simulate_writes": 4])
        #expect(jsonObject(replaced.partialState) == [:])
        #expect(try database.connection.queryRow("SELECT COUNT(*) FROM state")?.first == .integer(1))
    }

    @Test func rejectsStateThatIsNotAJSONObject() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let database = try makeDatabase(folder)
        #expect(throws: StorageError.self) { try database.set(stateID: "s", completed: "[1, 2]", partial: nil) }
        #expect(throws: StorageError.self) { try database.set(stateID: "s", completed: nil, partial: "{not json") }
        #expect(try database.get(stateID: "s") == nil)  // the failed transactions left nothing
    }

    @Test func twoConnectionsOnTwoThreadsLoseNoUpdate() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)
        let databases = try [SystemDatabase(path: path), SystemDatabase(path: path)]
        let sequences = Locked<[Int]>([])
        let receiptWaits = Locked(0)

        let errors = runOnThreads(2) { index in
            for write in 0..<200 {
                let receipt = try databases[index].set(
                    stateID: "dev:contended", completed: nil,
                    partial: #"{"writer\#(index)": \#(write)}"#)
                sequences.withValue { $0.append(receipt.writeSequence) }
                receiptWaits.withValue { $0 += receipt.busyWaits }
            }
        }
        #expect(errors.isEmpty, "\(errors)")

        let final = try #require(try databases[0].get(stateID: "dev:contended"))
        #expect(final.writeCount == 400)
        #expect(sequences.current.sorted() == Array(1...400))  // every write saw its predecessor
        #expect(jsonObject(final.partialState) == ["writer0": 199, "writer1": 199])
        // Waits are recorded per write and add up to the connections' counters.
        let totalWaits = databases.map { $0.connection.stats.totalWaits }.reduce(0, +)
        #expect(receiptWaits.current == totalWaits)
        #expect(databases.map { $0.connection.stats.transactions }.reduce(0, +) == 400)
        print(
            "systemdb contention: \(totalWaits) waits, busy handler waits \(databases.map { $0.connection.stats.busyWaits })"
        )
    }

    @Test func stateWriteWaitsForAnotherConnectionsTransaction() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)
        let holder = try SQLiteConnection(path: path)
        let database = try SystemDatabase(path: path)

        let done = DispatchSemaphore(value: 0)
        holdWriteLock(holder, milliseconds: 300, done: done)
        let receipt = try database.set(stateID: "s", completed: "{}", partial: nil)
        done.wait()
        #expect(receipt.writeSequence == 1)
        #expect(receipt.busyWaits > 0)
        #expect(receipt.waitNanoseconds >= 150_000_000)
        #expect(database.connection.stats.busyWaits > 0)
    }
}
