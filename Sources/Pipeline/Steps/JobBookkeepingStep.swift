import Foundation
import Model

/// Step 2: job bookkeeping: stale runs, the running check, the `runs` row, the heartbeat.
struct JobBookkeepingStep: InvocationStep {
    let padder: CostPadder
    /// The heartbeat's own connection comes from here.
    let database: SystemDatabaseConnector
    let heartbeatIntervalSeconds: Double

    var phase: Phase { .bookkeeping }

    func runs(for run: InvocationState) -> Bool { true }

    /// The stale-run sweep, the running count and the insert.
    func units(for run: InvocationState) -> StepUnits { StepUnits(done: 3, production: 3) }

    func perform(_ run: InvocationState, prepared: Void) throws {
        let now = Date()
        let database = run.database
        let job = run.spec.job
        try padder.padStatements(of: database, ledger: run.ledger) {
            _ = try database.markStaleRuns(heartbeatOlderThan: now.addingTimeInterval(-300), now: now)
            run.overlap = try database.runningCount(jobName: job) > 0
            run.runRowID = try database.insertRun(jobName: job, runID: UUID().uuidString, trigger: "simulate", now: now)
        }
        let beating = try self.database.connect()
        run.heartbeat = Heartbeat(database: beating, runRowID: run.runRowID, interval: heartbeatIntervalSeconds)
    }
}
