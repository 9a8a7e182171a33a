import Foundation

/// Meltano's system database (`state` and `runs` tables) in SQLite, on one `SQLiteConnection`,
/// and the `systemdb` state backend.
public final class SystemDatabase: SystemDatabaseStore, Sendable {
    /// The connection; its `stats` measure contention.
    public let connection: SQLiteConnection

    /// Meltano's system-database schema (docs/model.md, "The Meltano facts it rests on"), created idempotently.
    public static let schema = """
        CREATE TABLE IF NOT EXISTS state (
            state_id VARCHAR(900) PRIMARY KEY,
            partial_state TEXT,
            completed_state TEXT,
            updated_at DATETIME
        );
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_name VARCHAR,
            run_id VARCHAR,
            state VARCHAR,
            started_at DATETIME,
            last_heartbeat_at DATETIME,
            ended_at DATETIME,
            payload TEXT,
            payload_flags INTEGER,
            "trigger" VARCHAR
        );
        """

    /// Run states as Meltano writes them.
    public enum RunState: String, Sendable {
        case running = "RUNNING"
        case success = "SUCCESS"
        case fail = "FAIL"
    }

    /// Creates the database file (WAL) and schema if missing; safe to call repeatedly and
    /// from several processes at once.
    public static func create(at path: String, busyTimeoutMilliseconds: Int = 5000) throws {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try connection.transaction { try connection.executeScript(schema) }
        connection.close()
    }

    /// Opens an existing system database (see `create(at:)`).
    public init(path: String, busyTimeoutMilliseconds: Int = 5000, retryLimitSeconds: Double = 30) throws {
        connection = try SQLiteConnection(
            path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds,
            retryLimitSeconds: retryLimitSeconds)
    }

    /// Opens an existing system database whose statements wait at most `busyTimeoutSeconds` for
    /// another connection's lock (the busy handler's sleeps, then whole-statement retries) before
    /// a `StorageError` of kind `.busyTimeout` surfaces.
    public convenience init(path: String, busyTimeoutSeconds: Double) throws {
        try self.init(
            path: path, busyTimeoutMilliseconds: min(5000, Int((busyTimeoutSeconds * 1000).rounded())),
            retryLimitSeconds: busyTimeoutSeconds)
    }

    /// Uses an already open connection.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The connection's counters.
    public var stats: DatabaseStats { connection.stats }

    // MARK: - Runs

    /// Marks RUNNING runs whose last heartbeat is older than `heartbeatOlderThan` as FAIL
    /// (Meltano's stale-run sweep at job start). Returns how many rows changed.
    @discardableResult
    public func markStaleRuns(heartbeatOlderThan cutoff: Date, now: Date) throws -> Int {
        try connection.execute(
            "UPDATE runs SET state = 'FAIL', ended_at = ? WHERE state = 'RUNNING' AND last_heartbeat_at < ?",
            [.text(StorageTimestamp.format(now)), .text(StorageTimestamp.format(cutoff))])
    }

    /// How many runs of `jobName` are RUNNING (Meltano refuses to start a second one).
    public func runningCount(jobName: String) throws -> Int {
        let row = try connection.queryRow(
            "SELECT COUNT(*) FROM runs WHERE job_name = ? AND state = 'RUNNING'", [.text(jobName)])
        return Int(row?.first?.int64Value ?? 0)
    }

    /// Inserts a RUNNING run (empty payload, flags 0) and returns its row id.
    public func insertRun(jobName: String, runID: String, trigger: String, now: Date) throws -> Int64 {
        let timestamp = StorageTimestamp.format(now)
        // One transaction so `last_insert_rowid` is read before another statement runs.
        return try connection.transaction {
            try connection.execute(
                """
                INSERT INTO runs (job_name, run_id, state, started_at, last_heartbeat_at, payload, payload_flags, "trigger")
                VALUES (?, ?, 'RUNNING', ?, ?, '{}', 0, ?)
                """, [.text(jobName), .text(runID), .text(timestamp), .text(timestamp), .text(trigger)])
            return connection.lastInsertRowID
        }
    }

    /// Records a heartbeat (Meltano does this every second while a job runs).
    public func heartbeat(runRowID: Int64, now: Date) throws {
        try connection.execute(
            "UPDATE runs SET last_heartbeat_at = ? WHERE id = ?",
            [.text(StorageTimestamp.format(now)), .integer(runRowID)])
    }

    /// Stores the run's payload (Meltano writes it on every STATE message).
    public func updateRunPayload(runRowID: Int64, payload: String, flags: Int) throws {
        try connection.execute(
            "UPDATE runs SET payload = ?, payload_flags = ? WHERE id = ?",
            [.text(payload), SQLiteValue(flags), .integer(runRowID)])
    }

    /// Ends the run as SUCCESS or FAIL.
    public func endRun(runRowID: Int64, succeeded: Bool, now: Date) throws {
        let state = succeeded ? RunState.success : RunState.fail
        try connection.execute(
            "UPDATE runs SET state = ?, ended_at = ? WHERE id = ?",
            [.text(state.rawValue), .text(StorageTimestamp.format(now)), .integer(runRowID)])
    }

    // MARK: - StateStore (Meltano's systemdb backend)

    public func get(stateID: String) throws -> StoredState? {
        guard
            let row = try connection.queryRow(
                "SELECT partial_state, completed_state, updated_at FROM state WHERE state_id = ?",
                [.text(stateID)])
        else { return nil }
        return StoredState(
            partialState: row[0].stringValue, completedState: row[1].stringValue,
            updatedAt: row[2].stringValue ?? "")
    }

    /// systemdb's lock is a no-op; the write is one immediate transaction:
    /// SELECT, merge, DELETE, INSERT, COMMIT.
    @discardableResult
    public func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt {
        let measured = try connection.measuringWaits {
            try connection.transaction(immediate: true) { () throws -> Int in
                let row = try connection.queryRow(
                    "SELECT partial_state, completed_state FROM state WHERE state_id = ?", [.text(stateID)])
                let merged = try StateMerge.merge(
                    oldPartial: StateMerge.parseObject(row?[0].stringValue, what: "stored partial state"),
                    oldCompleted: StateMerge.parseObject(row?[1].stringValue, what: "stored completed state"),
                    newCompleted: completed, newPartial: partial)
                try connection.execute("DELETE FROM state WHERE state_id = ?", [.text(stateID)])
                try connection.execute(
                    "INSERT INTO state (state_id, partial_state, completed_state, updated_at) VALUES (?, ?, ?, ?)",
                    [
                        .text(stateID), .text(try StateMerge.serialize(merged.partial)),
                        .text(try StateMerge.serialize(merged.completed)),
                        .text(StorageTimestamp.format(Date())),
                    ])
                return merged.writeSequence
            }
        }
        return StateWriteReceipt(
            writeSequence: measured.result, busyWaits: measured.waits, lockWaits: 0,
            waitNanoseconds: measured.waitNanoseconds)
    }
}
