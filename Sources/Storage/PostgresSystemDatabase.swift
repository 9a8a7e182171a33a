import Foundation
import Model

/// Meltano's system database (`runs` and `state`) on a PostgreSQL server, one libpq connection per
/// instance, and the `systemdb` state backend: the same statements and transactions as SQLite's
/// `SystemDatabase` (docs/systemdb.md).
public final class PostgresSystemDatabase: SystemDatabaseStore, SystemDatabaseAudit, Sendable {
    /// The connection; its `stats` measure contention.
    public let connection: PostgresConnection

    /// The alembic head the schema below corresponds to (Meltano's `c0efb3c314eb`, "drop UI/API tables").
    public static let alembicHead = "c0efb3c314eb"

    /// The tables as Meltano's alembic migrations leave them on PostgreSQL, created idempotently:
    /// `job` (b4c05e463b53: SERIAL id, the `job_state` enum later made VARCHAR by 13e8639c6d2b) with
    /// `run_id` UUID (53e97221d99f), `trigger` (367228df6a43) and `last_heartbeat_at` (d135f52a6f49)
    /// added, renamed to `runs` (5b43800443d1, which keeps `job_id_seq` and `job_pkey`); `state`
    /// (6828cc5b1a4f); and `alembic_version` at the head, so Meltano itself would accept the database.
    public static let schema = """
        CREATE SEQUENCE IF NOT EXISTS job_id_seq AS INTEGER;
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER NOT NULL DEFAULT nextval('job_id_seq'),
            job_name VARCHAR,
            state VARCHAR,
            started_at TIMESTAMP WITHOUT TIME ZONE,
            ended_at TIMESTAMP WITHOUT TIME ZONE,
            payload VARCHAR,
            payload_flags INTEGER,
            run_id UUID,
            "trigger" VARCHAR,
            last_heartbeat_at TIMESTAMP WITHOUT TIME ZONE,
            CONSTRAINT job_pkey PRIMARY KEY (id)
        );
        ALTER SEQUENCE job_id_seq OWNED BY runs.id;
        CREATE TABLE IF NOT EXISTS state (
            state_id VARCHAR(900) NOT NULL,
            partial_state VARCHAR,
            completed_state VARCHAR,
            updated_at TIMESTAMP WITHOUT TIME ZONE,
            PRIMARY KEY (state_id),
            UNIQUE (state_id)
        );
        CREATE TABLE IF NOT EXISTS alembic_version (
            version_num VARCHAR(32) NOT NULL,
            CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
        );
        """

    /// Creates the schema (and `schema`'s namespace, when given) if missing. The coordinator
    /// calls it once per run; a lock serializes concurrent callers.
    public static func create(url: String, namespace: String? = nil) throws {
        let connection = try PostgresConnection(url: url, lockTimeoutMilliseconds: 5000)
        defer { connection.close() }
        try connection.transaction {
            try connection.executeScript("SELECT pg_advisory_xact_lock(1296385103)")
            if let namespace {
                try connection.executeScript("CREATE SCHEMA IF NOT EXISTS \(quoted(namespace))")
                try connection.executeScript("SET LOCAL search_path TO \(quoted(namespace))")
            }
            try connection.executeScript(schema)
            try connection.execute(
                "INSERT INTO alembic_version (version_num) VALUES ($1) ON CONFLICT DO NOTHING", [alembicHead])
        }
    }

    /// `url` with the session's `search_path` set to `namespace`, so that every connection of a run
    /// finds that run's own tables (libpq's `options` parameter).
    public static func url(_ url: String, namespace: String) -> String {
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "options=-csearch_path%3D" + namespace
    }

    /// An identifier in double quotes.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Connects; statements wait at most `busyTimeoutSeconds` for other connections' locks. With
    /// `connectLater` (workers), an unreachable server throws at the first statement, inside the
    /// invocation's phase, so that it fails as `database_unreachable` rather than ending its worker.
    public init(
        url: String, busyTimeoutSeconds: Double = 30, lockTimeoutMilliseconds: Int = 20, connectLater: Bool = false
    ) throws {
        connection = try PostgresConnection(
            url: url, lockTimeoutMilliseconds: lockTimeoutMilliseconds, retryLimitSeconds: busyTimeoutSeconds,
            connectLater: connectLater)
    }

    public var stats: DatabaseStats { connection.stats }

    // MARK: - Runs (as SystemDatabase, in PostgreSQL's dialect)

    @discardableResult
    public func markStaleRuns(heartbeatOlderThan cutoff: Date, now: Date) throws -> Int {
        try connection.execute(
            "UPDATE runs SET state = 'FAIL', ended_at = $1 WHERE state = 'RUNNING' AND last_heartbeat_at < $2",
            [StorageTimestamp.format(now), StorageTimestamp.format(cutoff)])
    }

    public func runningCount(jobName: String) throws -> Int {
        let row = try connection.queryRow(
            "SELECT COUNT(*) FROM runs WHERE job_name = $1 AND state = 'RUNNING'", [jobName])
        return Int(row?.first.flatMap { $0 } ?? "0") ?? 0
    }

    public func insertRun(jobName: String, runID: String, trigger: String, now: Date) throws -> Int64 {
        let timestamp = StorageTimestamp.format(now)
        // One transaction, as SQLite's (there for `last_insert_rowid`); here `RETURNING id`.
        return try connection.transaction {
            let row = try connection.queryRow(
                """
                INSERT INTO runs (job_name, run_id, state, started_at, last_heartbeat_at, payload, payload_flags, "trigger")
                VALUES ($1, $2, 'RUNNING', $3, $4, '{}', 0, $5) RETURNING id
                """, [jobName, runID, timestamp, timestamp, trigger])
            guard let text = row?.first.flatMap({ $0 }), let id = Int64(text) else {
                throw StorageError(kind: .postgres(sqlstate: ""), message: "INSERT ... RETURNING id gave no id")
            }
            return id
        }
    }

    public func heartbeat(runRowID: Int64, now: Date) throws {
        try connection.execute(
            "UPDATE runs SET last_heartbeat_at = $1 WHERE id = $2", [StorageTimestamp.format(now), String(runRowID)])
    }

    public func updateRunPayload(runRowID: Int64, payload: String, flags: Int) throws {
        try connection.execute(
            "UPDATE runs SET payload = $1, payload_flags = $2 WHERE id = $3",
            [payload, String(flags), String(runRowID)])
    }

    public func endRun(runRowID: Int64, succeeded: Bool, now: Date) throws {
        let state = succeeded ? SystemDatabase.RunState.success : .fail
        try connection.execute(
            "UPDATE runs SET state = $1, ended_at = $2 WHERE id = $3",
            [state.rawValue, StorageTimestamp.format(now), String(runRowID)])
    }

    // MARK: - StateStore (Meltano's systemdb backend)

    /// `updated_at` as the SQLite backend stores it (`2025-01-02T03:04:05.123456Z`).
    private static let updatedAtText = #"to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#

    public func get(stateID: String) throws -> StoredState? {
        guard
            let row = try connection.queryRow(
                "SELECT partial_state, completed_state, \(Self.updatedAtText) FROM state WHERE state_id = $1",
                [stateID])
        else { return nil }
        return StoredState(partialState: row[0], completedState: row[1], updatedAt: row[2] ?? "")
    }

    /// SELECT, merge, DELETE, INSERT, COMMIT, as with SQLite. SQLite's `BEGIN IMMEDIATE` (one writer at
    /// a time) becomes `BEGIN` and a transaction-scoped advisory lock on the state id: writers of one
    /// state id queue for it, each then reads the last committed state (READ COMMITTED, Meltano's
    /// level), so none loses another's update; writers of other state ids do not wait.
    @discardableResult
    public func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt {
        let started = MonotonicClock.now()
        let measured = try connection.measuringWaits {
            try connection.transaction { () throws -> Int in
                try connection.advisoryLock("state:" + stateID, started: started)
                let row = try connection.queryRow(
                    "SELECT partial_state, completed_state FROM state WHERE state_id = $1", [stateID])
                let merged = try StateMerge.merge(
                    oldPartial: StateMerge.parseObject(row?[0], what: "stored partial state"),
                    oldCompleted: StateMerge.parseObject(row?[1], what: "stored completed state"),
                    newCompleted: completed, newPartial: partial)
                try connection.execute("DELETE FROM state WHERE state_id = $1", [stateID])
                try connection.execute(
                    "INSERT INTO state (state_id, partial_state, completed_state, updated_at) VALUES ($1, $2, $3, $4)",
                    [
                        stateID, try StateMerge.serialize(merged.partial), try StateMerge.serialize(merged.completed),
                        StorageTimestamp.format(Date()),
                    ])
                return merged.writeSequence
            }
        }
        return StateWriteReceipt(
            writeSequence: measured.result, busyWaits: measured.waits, lockWaits: 0,
            waitNanoseconds: measured.waitNanoseconds)
    }

    // MARK: - SystemDatabaseAudit

    public func stateRowCount() throws -> Int {
        Int(try connection.queryRow("SELECT count(*) FROM state")?.first.flatMap { $0 } ?? "0") ?? 0
    }

    public func runsByState() throws -> [String: Int] {
        var byState: [String: Int] = [:]
        for row in try connection.query("SELECT state, count(*) FROM runs GROUP BY state") {
            if let state = row[0], let n = row[1].flatMap({ Int($0) }) { byState[state] = n }
        }
        return byState
    }

    public func close() { connection.close() }
}

/// What the integrity check reads from a system database after a run, whichever engine holds it.
public protocol SystemDatabaseAudit: StateStore {
    /// Rows in `state`.
    func stateRowCount() throws -> Int
    /// Rows in `runs` by their `state` column.
    func runsByState() throws -> [String: Int]
    /// Closes the connection.
    func close()
}

extension SystemDatabase: SystemDatabaseAudit {
    public func stateRowCount() throws -> Int {
        Int(try connection.queryRow("SELECT count(*) FROM state")?.first?.int64Value ?? 0)
    }

    public func runsByState() throws -> [String: Int] {
        var byState: [String: Int] = [:]
        for row in try connection.query("SELECT state, count(*) FROM runs GROUP BY state") {
            if case .text(let state) = row[0], case .integer(let n) = row[1] { byState[state] = Int(n) }
        }
        return byState
    }

    public func close() { connection.close() }
}
