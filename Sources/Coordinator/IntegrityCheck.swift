import Foundation
import Analysis
import Pipeline
import Storage

/// Reads the system database and state store after a run and checks them against the events:
/// one terminal `runs` row per finished invocation, one state per job, no lost update.
enum IntegrityCheck {
    static func run(folder: RunFolder, stateBackend: String, events: [WorkerEvent], plan: InvocationPlan) throws -> IntegrityInfo {
        let database = try SystemDatabase(path: folder.database.path)
        defer { database.connection.close() }
        var byState: [String: Int] = [:]
        for row in try database.connection.query("SELECT state, count(*) FROM runs GROUP BY state") {
            if case .text(let state) = row[0], case .integer(let n) = row[1] { byState[state] = Int(n) }
        }
        let store: StateStore = stateBackend == "file" ? try FileStateStore(root: folder.stateRoot.path) : database
        let specs = Dictionary(uniqueKeysWithValues: plan.invocations.map { ($0.index, $0) })
        var reported = 0
        var written = Set<String>()
        for event in events where event.event == .invocationFinished {
            guard let outcome = event.outcome, let i = event.invocation, let spec = specs[i] else { continue }
            reported += outcome.stateWrites
            if outcome.stateWrites > 0 { written.insert(spec.stateID) }
        }
        var recorded = 0
        var rows = 0
        for id in written.sorted() {
            guard let state = try store.get(stateID: id) else { continue }
            rows += 1
            recorded += state.writeCount ?? 0
        }
        if stateBackend != "file", let row = try database.connection.queryRow("SELECT count(*) FROM state"), case .integer(let n) = row[0] {
            rows = Int(n)
        }
        let finished = events.filter { $0.event == .invocationFinished }.count
        let runsRows = byState.values.reduce(0, +)
        let nonTerminal = byState["RUNNING", default: 0]
        return IntegrityInfo(runsRows: runsRows, runsByState: byState, nonTerminalRuns: nonTerminal, stateRows: rows,
                             expectedStateRows: written.count, stateWritesRecorded: recorded, stateWritesReported: reported,
                             lostUpdates: reported - recorded,
                             ok: nonTerminal == 0 && runsRows == finished && rows == written.count && reported == recorded)
    }
}
