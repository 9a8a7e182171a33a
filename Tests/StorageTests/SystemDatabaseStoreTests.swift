import Foundation
import Model
import TestSupport
import Testing

@testable import Storage

/// The same script against every `SystemDatabaseStore`: SQLite and the in-memory driver must agree
/// on what the runs and state tables hold and on the statements and transactions they count.
@Suite struct SystemDatabaseStoreTests {
    /// What one script observed through a store.
    struct Observed: Equatable {
        var overlapBefore = 0
        var overlapAfter = 0
        var staleMarked = 0
        var rowIDs: [Int64] = []
        var sequences: [Int] = []
        var completed: String?
        var partial: String?
        var missing = false
        var stats = DatabaseStats()
        /// Statements and transactions timed (`DatabaseStats.latency`); their times vary, so
        /// only the count is compared, and the in-memory driver times nothing.
        var timed = 0
    }

    /// A job's life as an invocation lives it, plus a stale run and a partial-state merge.
    func script(_ store: any SystemDatabaseStore) throws -> Observed {
        var seen = Observed()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        seen.overlapBefore = try store.runningCount(jobName: "job")
        let stale = try store.insertRun(
            jobName: "job", runID: "2f0c8a56-1f4e-4d43-9a57-5a7f2f1f0001", trigger: "simulate", now: start)
        let fresh = try store.insertRun(
            jobName: "job", runID: "2f0c8a56-1f4e-4d43-9a57-5a7f2f1f0002", trigger: "simulate", now: start + 400)
        seen.rowIDs = [stale, fresh]
        try store.heartbeat(runRowID: fresh, now: start + 401)
        seen.staleMarked = try store.markStaleRuns(heartbeatOlderThan: start + 100, now: start + 402)
        seen.overlapAfter = try store.runningCount(jobName: "job")
        seen.missing = try store.get(stateID: "job") == nil
        try store.updateRunPayload(runRowID: fresh, payload: #"{"singer_state":{}}"#, flags: 1)
        seen.sequences.append(try store.set(stateID: "job", completed: #"{"b":1}"#, partial: nil).writeSequence)
        seen.sequences.append(try store.set(stateID: "job", completed: nil, partial: #"{"p":{"x":1}}"#).writeSequence)
        seen.sequences.append(try store.set(stateID: "job", completed: nil, partial: #"{"p":{"y":2}}"#).writeSequence)
        try store.endRun(runRowID: fresh, succeeded: true, now: start + 403)
        let state = try #require(try store.get(stateID: "job"))
        (seen.completed, seen.partial) = (state.completedState, state.partialState)
        seen.stats = store.stats
        (seen.timed, seen.stats.latency) = (seen.stats.latency.total, LatencyBuckets())
        return seen
    }

    @Test func inMemoryDriverAgreesWithSQLite() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)
        var sqlite = try script(SystemDatabase(path: path))
        let memory = try script(InMemorySystemDatabase().connect())
        #expect(sqlite.timed > 0)
        sqlite.timed = 0
        #expect(sqlite == memory)
        #expect(memory.rowIDs == [1, 2] && memory.staleMarked == 1 && memory.overlapAfter == 1)
        #expect(memory.sequences == [1, 2, 3])
        #expect(memory.partial == #"{"p":{"x":1,"y":2}}"#)
        #expect(memory.stats.statementsExecuted == 19 && memory.stats.transactions == 5)
    }

    @Test func inMemoryConnectionsShareTablesButNotCounters() throws {
        let database = InMemorySystemDatabase()
        let first = database.connect()
        let second = database.connect()
        let row = try first.insertRun(jobName: "job", runID: "r", trigger: "simulate", now: Date())
        try second.heartbeat(runRowID: row, now: Date())
        try first.endRun(runRowID: row, succeeded: false, now: Date())
        #expect(database.runs.map(\.state) == [.fail])
        #expect(first.stats.statementsExecuted == 2 && second.stats.statementsExecuted == 1)
    }
}
