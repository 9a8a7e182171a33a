import Foundation
import Model

/// Step 8: the heartbeat stops and the `runs` row ends SUCCESS or FAIL; runs after a failure too.
struct TeardownStep: InvocationStep {
    let padder: CostPadder

    var phase: Phase { .teardown }

    func runs(for run: InvocationState) -> Bool { true }

    func perform(_ run: InvocationState, prepared: Void) throws {
        if let heartbeat = run.heartbeat {
            let stopped = heartbeat.stop()
            run.beats = stopped.beats
            // A beat waiting for the lock holds up the stop: that wait is not teardown's work.
            run.ledger.lockWaitNs += stopped.lockWaitNs
        }
        try padder.padStatements(of: run.database, ledger: run.ledger) {
            try run.database.endRun(runRowID: run.runRowID, succeeded: run.succeeded, now: Date())
        }
    }
}
