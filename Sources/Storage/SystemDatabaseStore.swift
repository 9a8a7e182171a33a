import Foundation
import Model

/// What an invocation does to Meltano's system database: the `runs` table (job bookkeeping, the
/// heartbeat, the payload, the end) and the `systemdb` state backend, on one connection whose
/// counters the cost padder reads.
///
/// The SQL dialect stays in each implementation: `SystemDatabase` is SQLite (AUTOINCREMENT,
/// `last_insert_rowid()`, `BEGIN IMMEDIATE`), `InMemorySystemDatabase` keeps the tables in memory
/// for tests, and a PostgreSQL implementation can sit beside them. Every instance is one
/// connection: an invocation opens one, its heartbeat another.
public protocol SystemDatabaseStore: StateStore, AnyObject {
    /// This connection's counters since it opened: statements, transactions and lock waits.
    var stats: DatabaseStats { get }

    /// Marks RUNNING runs whose last heartbeat is older than `cutoff` as FAIL (Meltano's
    /// stale-run sweep at job start). Returns how many rows changed.
    @discardableResult
    func markStaleRuns(heartbeatOlderThan cutoff: Date, now: Date) throws -> Int

    /// How many runs of `jobName` are RUNNING (Meltano refuses to start a second one).
    func runningCount(jobName: String) throws -> Int

    /// Inserts a RUNNING run (empty payload, flags 0) and returns its row id.
    func insertRun(jobName: String, runID: String, trigger: String, now: Date) throws -> Int64

    /// Records a heartbeat (Meltano does this every second while a job runs).
    func heartbeat(runRowID: Int64, now: Date) throws

    /// Stores the run's payload (Meltano writes it on every STATE message).
    func updateRunPayload(runRowID: Int64, payload: String, flags: Int) throws

    /// Ends the run as SUCCESS or FAIL.
    func endRun(runRowID: Int64, succeeded: Bool, now: Date) throws
}

/// Counters of one system-database connection, so contention between processes can be measured.
public struct DatabaseStats: Sendable, Equatable {
    /// Statements run to completion (not BEGIN/COMMIT/ROLLBACK).
    public var statementsExecuted = 0
    /// Transactions committed.
    public var transactions = 0
    /// Transactions rolled back (after a throw, or before a busy retry).
    public var rollbacks = 0
    /// Sleeps taken while another connection held the lock (SQLite's busy handler).
    public var busyWaits = 0
    /// Total time slept in those waits.
    public var busyWaitNanoseconds: UInt64 = 0
    /// Whole statements or transactions re-run after the database still said it was locked.
    public var retries = 0
    /// Total time slept between those retries.
    public var retryWaitNanoseconds: UInt64 = 0
    /// Times the server could not be reached or the connection broke (PostgreSQL; always 0 for SQLite).
    public var connectionErrors = 0
    /// How long each statement on its own, or each whole transaction, took from its first attempt
    /// to its end, lock waits and retries included: what a job waits for the database.
    public var latency = LatencyBuckets()

    public init() {}

    /// Busy waits plus retries: every time this connection waited for another.
    public var totalWaits: Int { busyWaits + retries }
    /// Time spent in both kinds of wait.
    public var totalWaitNanoseconds: UInt64 { busyWaitNanoseconds + retryWaitNanoseconds }
}
