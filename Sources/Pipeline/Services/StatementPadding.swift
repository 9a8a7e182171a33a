import Model
import Storage

extension CostPadder {
    /// Runs `body` (system-database work, plus `jsonMessages` STATE messages' JSON) and pads it to
    /// the profile's cost of the statements it executed: counted from the connection, not assumed.
    /// Time waited for the database's lock goes to the ledger's `lockWaitNs`, not into the work.
    func padStatements<T>(
        of database: any SystemDatabaseStore, jsonMessages: Int = 0, ledger: PaddingLedger, _ body: () throws -> T
    ) rethrows -> T {
        let before = database.stats
        // Also when `body` gives up on a lock: the wait is reported even though the work failed.
        defer { ledger.lockWaitNs += database.stats.totalWaitNanoseconds - before.totalWaitNanoseconds }
        let start = MonotonicClock.now()
        let result = try body()
        let end = MonotonicClock.now()
        let after = database.stats
        let waited = min(after.totalWaitNanoseconds - before.totalWaitNanoseconds, end - start)
        let executed = after.statementsExecuted - before.statementsExecuted
        let micros =
            (costs.microseconds(.sqliteStatement) ?? 0) * Double(executed)
            + (costs.microseconds(.jsonState) ?? 0) * Double(jsonMessages)
        pad(started: start + waited, nativeEnd: end, targetMicros: micros, units: executed, timing: &ledger.unitTiming)
        return result
    }
}
