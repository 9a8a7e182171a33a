import Analysis
import Foundation
import HTTP
import Model
import Pipeline
import ProcessControl
import Storage

/// Reads the system database and state store after a run and checks them against the events' folded facts:
/// one terminal `runs` row per finished invocation, one state per job, no lost update; with the
/// http backend also, read from the server's object store: one `state.json` per job equal to the
/// last state written to it, and no lock left behind.
enum IntegrityCheck {
    static func run(
        folder: RunFolder, systemDatabase: SystemDatabaseLocator? = nil, stateBackend: StateBackendKind,
        facts: RunAccumulator.IntegrityFacts, objectStore: ObjectStore? = nil
    ) throws -> IntegrityInfo {
        let locator = systemDatabase ?? .sqlite(path: folder.database.path)
        let database: any SystemDatabaseAudit
        var engine: String?  // nil: the default SQLite file, as before the key existed
        switch locator {
        case .sqlite(let path): database = try SystemDatabase(path: path)
        case .postgres(let url):
            let postgres = try PostgresSystemDatabase(url: url)
            let version = postgres.connection.serverVersion
            engine = "PostgreSQL \(version / 10000).\(version % 10000) at \(locator)"
            database = postgres
        }
        defer { database.close() }
        var result = try check(
            database, folder: folder, stateBackend: stateBackend, facts: facts, objectStore: objectStore)
        result.systemDatabase = engine
        return result
    }

    /// `run`, but a PostgreSQL server that went away during the run leaves the check undone (said on
    /// standard error) rather than the report unwritten; the invocations it failed already make the
    /// run incomplete.
    static func runUnlessUnreachable(
        folder: RunFolder, systemDatabase: SystemDatabaseLocator, stateBackend: StateBackendKind,
        facts: RunAccumulator.IntegrityFacts, objectStore: ObjectStore?
    ) throws -> IntegrityInfo? {
        do {
            return try run(
                folder: folder, systemDatabase: systemDatabase, stateBackend: stateBackend, facts: facts,
                objectStore: objectStore)
        } catch let error as StorageError where error.kind == .connection {
            FileHandle.standardError.write(Data("simulate: integrity check not run: \(error)\n".utf8))
            return nil
        }
    }

    private static func check(
        _ database: any SystemDatabaseAudit, folder: RunFolder, stateBackend: StateBackendKind,
        facts: RunAccumulator.IntegrityFacts, objectStore: ObjectStore?
    ) throws -> IntegrityInfo {
        if stateBackend == .http {
            guard let objectStore else {
                throw ChildProcessError("integrity check: the http backend needs the run's server")
            }
            return try httpBackend(objectStore, database: database, facts: facts)
        }
        let store: any StateStore =
            stateBackend == .file ? try FileStateStore(root: folder.stateRoot.path) : database as any StateStore
        let (reported, written) = (facts.stateWritesReported, facts.stateIDsWritten)
        var recorded = 0
        var rows = 0
        var tally = WriteTally()
        for id in written.sorted() {
            let count = try store.get(stateID: id).map { $0.writeCount ?? 0 }
            if count != nil { rows += 1 }
            recorded += count ?? 0
            tally.add(reported: facts.stateWritesByID[id] ?? 0, recorded: count ?? 0)
        }
        if stateBackend != .file { rows = try database.stateRowCount() }
        return try info(
            database: database, finished: facts.finishedEvents, stateRows: rows, expected: written.count,
            recorded: recorded, reported: reported, tally: tally)
    }

    /// Writes reported against writes recorded, state id by state id: a loss in one job is never
    /// hidden by a surplus in another (a worker killed after its write, before its report).
    struct WriteTally {
        var lost = 0
        var unreported = 0

        mutating func add(reported: Int, recorded: Int) {
            lost += max(0, reported - recorded)
            unreported += max(0, recorded - reported)
        }
    }

    /// The `runs` rows by state, checked with the state counts into one verdict.
    static func info(
        database: any SystemDatabaseAudit, finished: Int, stateRows rows: Int, expected: Int, recorded: Int,
        reported: Int, tally: WriteTally,
        locksLeft: Int? = nil, matching: Int? = nil
    ) throws -> IntegrityInfo {
        let byState = try database.runsByState()
        let runsRows = byState.values.reduce(0, +)
        let nonTerminal = byState["RUNNING", default: 0]
        let objectStoreOK = (locksLeft ?? 0) == 0 && (matching ?? expected) == expected
        return IntegrityInfo(
            runsRows: runsRows, runsByState: byState, nonTerminalRuns: nonTerminal, stateRows: rows,
            expectedStateRows: expected, stateWritesRecorded: recorded, stateWritesReported: reported,
            lostUpdates: tally.lost, locksLeft: locksLeft, stateDocumentsMatchingLastWrite: matching,
            ok: nonTerminal == 0 && runsRows == finished && rows == expected && tally.lost == 0
                && tally.unreported == 0 && objectStoreOK,
            unreportedWrites: tally.unreported)
    }

    /// The http backend, read straight from the server's store: every `state.json`, every lock left,
    /// and for each job the document of its highest-sequence write compared byte for byte.
    static func httpBackend(
        _ store: ObjectStore, database: any SystemDatabaseAudit, facts: RunAccumulator.IntegrityFacts
    )
        throws -> IntegrityInfo
    {
        let (reported, written, last) = (facts.stateWritesReported, facts.stateIDsWritten, facts.lastWrites)
        let objects = store.snapshot()
        let documents = objects.filter { $0.key.hasSuffix("/state.json") }
        var recorded = 0
        var matching = 0
        var tally = WriteTally()
        for id in written {
            let key = FileStateStore.folderName(forStateID: id) + "/state.json"
            var count = 0
            if let object = documents.first(where: { $0.key == key })?.object {
                if let document = try StateMerge.document(object.text, source: key) {
                    count = try StateMerge.storedState(document, updatedAt: object.updatedAt).writeCount ?? 0
                }
                if let expected = last[id], expected.document == object.text { matching += 1 }
            }
            recorded += count
            tally.add(reported: facts.stateWritesByID[id] ?? 0, recorded: count)
        }
        return try info(
            database: database, finished: facts.finishedEvents, stateRows: documents.count, expected: written.count,
            recorded: recorded,
            reported: reported, tally: tally, locksLeft: objects.filter { $0.key.hasSuffix("/lock") }.count,
            matching: matching)
    }
}
