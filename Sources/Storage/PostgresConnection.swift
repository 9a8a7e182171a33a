import CLibPQ
import Foundation
import Model

/// One libpq connection to a PostgreSQL server that waits for, and counts, contention the way
/// `SQLiteConnection` does (docs/systemdb.md):
///
/// - `lock_timeout` is short (`lockTimeoutMilliseconds`): a statement that waited that long for
///   another connection's row or table lock fails with SQLSTATE `55P03`; that is one lock wait
///   (`stats.busyWaits`, the time in `busyWaitNanoseconds`), like one sleep of SQLite's busy handler.
/// - Serialization failures (`40001`) and deadlocks (`40P01`) are retries (`stats.retries`).
/// - After either, the statement (outside a transaction) or the whole transaction runs again
///   after SQLite's back-off, until `retryLimitSeconds`; then a `StorageError` of kind
///   `.busyTimeout` surfaces, as with SQLite.
/// - A server that cannot be reached, or a connection that broke, is a `.connection` error,
///   counted in `stats.connectionErrors` and never retried here (a statement that may have committed
///   is not re-run); the next call reconnects.
/// - Statements are prepared once per connection (named `s1`, `s2`, ...), by SQL text.
///
/// `@unchecked Sendable`: every use of the `PGconn*` happens under `lock` (recursive, as a
/// transaction body runs statements while holding it).
public final class PostgresConnection: @unchecked Sendable {
    /// The libpq connection string or URL (`postgresql://user@host:port/db?...`).
    public let url: String
    public let lockTimeoutMilliseconds: Int
    public let retryLimitSeconds: Double

    private let connectTimeoutSeconds: Int
    private let lock = NSRecursiveLock()
    private var conn: OpaquePointer?
    private var statements: [String: String] = [:]
    private var transactionDepth = 0
    private let statsBox = StatsBox()

    /// Connects (at most `connectTimeoutSeconds`) and sets the session's `lock_timeout`. With
    /// `connectLater`, a server that cannot be reached is counted but not thrown here: the first
    /// statement connects again and throws then.
    public init(
        url: String, lockTimeoutMilliseconds: Int = 20, retryLimitSeconds: Double = 30, connectTimeoutSeconds: Int = 5,
        connectLater: Bool = false
    ) throws {
        self.url = url
        self.lockTimeoutMilliseconds = max(1, lockTimeoutMilliseconds)
        self.retryLimitSeconds = max(0, retryLimitSeconds)
        self.connectTimeoutSeconds = max(1, connectTimeoutSeconds)
        do { try lock.withLock { try connect() } } catch let error as StorageError
            where connectLater && error.kind == .connection
        {}
    }

    deinit { close() }

    /// Closes the connection. Idempotent.
    public func close() {
        lock.withLock {
            if let conn { PQfinish(conn) }
            conn = nil
            statements.removeAll()
        }
    }

    /// The counters so far.
    public var stats: DatabaseStats { statsBox.snapshot }

    /// The server's version number (`150010` for 15.10), or 0 when not connected.
    public var serverVersion: Int { lock.withLock { conn.map { Int(PQserverVersion($0)) } ?? 0 } }

    // MARK: - Statements

    /// Runs one statement with `$1`, `$2`, ... bound to `parameters` (as text; nil is NULL) and
    /// returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws -> Int {
        try lock.withLock { try retrying(sql: sql) { try run(sql, parameters).changed } }
    }

    /// Runs one statement and returns its rows, every value as text (nil for NULL).
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        try lock.withLock { try retrying(sql: sql) { try run(sql, parameters).rows } }
    }

    /// Runs one statement and returns its first row, if any.
    public func queryRow(_ sql: String, _ parameters: [String?] = []) throws -> [String?]? {
        try query(sql, parameters).first
    }

    /// Runs several `;`-separated statements (schema scripts), unprepared, without parameters.
    public func executeScript(_ sql: String) throws {
        try lock.withLock {
            try retrying(sql: sql) {
                let conn = try connected()
                PQclear(try check(PQexec(conn, sql), sql: sql))
                statsBox.update { $0.statementsExecuted += 1 }
            }
        }
    }

    // MARK: - Transactions

    /// Runs `body` between `begin` (`BEGIN`, or `BEGIN ISOLATION LEVEL SERIALIZABLE`) and `COMMIT`,
    /// rolling back if it throws; a lock timeout, serialization failure or deadlock anywhere in it
    /// runs the whole transaction again after a back-off, so `body` must be safe to re-run. A
    /// transaction inside another one joins it.
    @discardableResult
    public func transaction<T>(_ begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        try lock.withLock {
            if transactionDepth > 0 { return try body() }
            let started = MonotonicClock.now()
            defer { recordLatency(since: started) }
            var attempt = 0
            while true {
                let attemptStarted = MonotonicClock.now()
                do {
                    try control(begin)
                    transactionDepth += 1
                    defer { transactionDepth -= 1 }
                    let result: T
                    do {
                        result = try body()
                        try control("COMMIT")
                    } catch {
                        rollbackIfOpen()
                        throw error
                    }
                    statsBox.update { $0.transactions += 1 }
                    return result
                } catch let error as StorageError where error.isPostgresContention {
                    try backOff(attempt, started: started, attemptStarted: attemptStarted, sql: begin, cause: error)
                    attempt += 1
                }
            }
        }
    }

    /// Inside a transaction: takes the transaction's advisory lock on `key` (released at COMMIT or
    /// ROLLBACK), as SQLite's `BEGIN IMMEDIATE` takes the write lock, but per key. Not a counted
    /// statement (SQLite's BEGIN is not one either). If another transaction holds it, that is one
    /// lock wait (`busyWaits`, its time in `busyWaitNanoseconds`): the wait queues in the server
    /// (first come, first served) for what is left of `retryLimitSeconds`; past that it fails
    /// `55P03` and the transaction's retry loop turns it into `.busyTimeout`.
    public func advisoryLock(_ key: String, started: UInt64 = MonotonicClock.now()) throws {
        try lock.withLock {
            let lockSQL = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))"
            if try run(lockSQL, [key], counted: false).rows.first?.first == "t" { return }
            let waitStarted = MonotonicClock.now()
            let limit = UInt64(retryLimitSeconds * 1e9)
            let left = limit > waitStarted - started ? limit - (waitStarted - started) : 0
            try control("SET LOCAL lock_timeout = '\(max(1, left / 1_000_000))ms'")
            _ = try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key], counted: false)
            try control("SET LOCAL lock_timeout = '\(lockTimeoutMilliseconds)ms'")
            let waited = MonotonicClock.now() - waitStarted
            statsBox.update {
                $0.busyWaits += 1
                $0.busyWaitNanoseconds += waited
            }
        }
    }

    /// Runs `body` with exclusive use of this connection and reports its waits (lock waits plus
    /// retries) and the time they took.
    public func measuringWaits<T>(_ body: () throws -> T) rethrows -> (result: T, waits: Int, waitNanoseconds: UInt64) {
        try lock.withLock {
            let before = statsBox.snapshot
            let result = try body()
            let after = statsBox.snapshot
            return (
                result, after.totalWaits - before.totalWaits, after.totalWaitNanoseconds - before.totalWaitNanoseconds
            )
        }
    }

    // MARK: - Internals (all called with `lock` held)

    private func connect() throws {
        // The URL last, expanded: what it says wins over these defaults.
        let keys = ["connect_timeout", "application_name", "dbname"]
        let values = ["\(connectTimeoutSeconds)", "simulate", url]
        let handle = withCStrings(keys) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.message(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            statsBox.update { $0.connectionErrors += 1 }
            throw StorageError(kind: .connection, message: message, path: Self.redacted(url))
        }
        conn = handle
        statements.removeAll()
        // Setup, not workload: not counted.
        let setting = "SET lock_timeout = '\(lockTimeoutMilliseconds)ms'"
        do { PQclear(try check(PQexec(handle, setting), sql: setting)) } catch {
            close()
            throw error
        }
    }

    /// The open connection; reconnects first if an earlier call found it broken.
    private func connected() throws -> OpaquePointer {
        if conn == nil { try connect() }
        guard let conn else { throw StorageError(kind: .connection, message: "not connected") }
        return conn
    }

    /// Counts one statement's or transaction's latency (`DatabaseStats.latency`).
    private func recordLatency(since started: UInt64) {
        let elapsed = MonotonicClock.now() - started
        statsBox.update { $0.latency.record(nanoseconds: elapsed) }
    }

    /// Re-runs `operation` after contention, outside transactions only (inside one, the error
    /// goes up and the whole transaction runs again).
    private func retrying<T>(sql: String, _ operation: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try operation() }
        let started = MonotonicClock.now()
        defer { recordLatency(since: started) }
        var attempt = 0
        while true {
            let attemptStarted = MonotonicClock.now()
            do {
                return try operation()
            } catch let error as StorageError where error.isPostgresContention {
                try backOff(attempt, started: started, attemptStarted: attemptStarted, sql: sql, cause: error)
                attempt += 1
            }
        }
    }

    /// Counts the failed attempt (a lock wait, or a serialization failure or deadlock) and sleeps
    /// SQLite's back-off before the next, or throws `.busyTimeout` once the limit passed.
    private func backOff(_ attempt: Int, started: UInt64, attemptStarted: UInt64, sql: String, cause: StorageError)
        throws
    {
        let lockWait = cause.kind == .postgres(sqlstate: "55P03")
        let waited = MonotonicClock.now() - attemptStarted
        let limit = UInt64(retryLimitSeconds * 1e9)
        let elapsed = MonotonicClock.now() - started
        guard elapsed < limit else {
            throw StorageError(
                kind: .busyTimeout,
                message: "still locked after \(retryLimitSeconds) s and \(attempt) retries: \(cause.message)",
                sql: sql, path: Self.redacted(url))
        }
        let delay = min(UInt64(BackOff.step(attempt).delay) * 1_000_000, limit - elapsed)
        let before = MonotonicClock.now()
        sleepNanoseconds(delay)
        let slept = MonotonicClock.now() - before
        statsBox.update {
            if lockWait {
                $0.busyWaits += 1
                $0.busyWaitNanoseconds += waited + slept
            } else {
                $0.retries += 1
                $0.retryWaitNanoseconds += waited + slept
            }
        }
    }

    private func rollbackIfOpen() {
        guard let conn else { return }
        let status = PQtransactionStatus(conn)
        guard status == PQTRANS_INTRANS || status == PQTRANS_INERROR else { return }
        _ = try? control("ROLLBACK")
        statsBox.update { $0.rollbacks += 1 }
    }

    /// Transaction control: not counted as a statement.
    private func control(_ sql: String) throws {
        let conn = try connected()
        PQclear(try check(PQexec(conn, sql), sql: sql))
    }

    /// Prepares `sql` once per connection, executes it with text parameters, returns its rows
    /// and the number of rows changed.
    private func run(_ sql: String, _ parameters: [String?], counted: Bool = true) throws -> (
        rows: [[String?]], changed: Int
    ) {
        let conn = try connected()
        let name: String
        if let known = statements[sql] {
            name = known
        } else {
            name = "s\(statements.count + 1)"
            PQclear(try check(PQprepare(conn, name, sql, Int32(parameters.count), nil), sql: sql))
            statements[sql] = name
        }
        let result = try withOptionalCStrings(parameters) { values in
            try check(PQexecPrepared(conn, name, Int32(parameters.count), values, nil, nil, 0), sql: sql)
        }
        guard let result else { return ([], 0) }
        defer { PQclear(result) }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append(
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        if counted { statsBox.update { $0.statementsExecuted += 1 } }
        return (rows, Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// The result if it succeeded, else a `StorageError` with its SQLSTATE (and the result freed).
    /// A broken connection is closed so that the next call reconnects.
    @discardableResult
    private func check(_ result: OpaquePointer?, sql: String) throws -> OpaquePointer? {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return result }
        let sqlstate = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let message = Self.message(result.map { PQresultErrorMessage($0) } ?? conn.map { PQerrorMessage($0) })
        PQclear(result)
        let broken = conn.map { PQstatus($0) != CONNECTION_OK } ?? true
        if broken || sqlstate == nil || sqlstate?.hasPrefix("08") == true || sqlstate?.hasPrefix("57P") == true {
            if let conn { PQfinish(conn) }
            conn = nil
            statements.removeAll()
            statsBox.update { $0.connectionErrors += 1 }
            throw StorageError(kind: .connection, message: message, sql: sql, path: Self.redacted(url))
        }
        throw StorageError(kind: .postgres(sqlstate: sqlstate ?? ""), message: message, sql: sql)
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    /// `url` without its password, for messages.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }
}

extension StorageError {
    /// A PostgreSQL lock timeout (`55P03`), serialization failure (`40001`) or deadlock (`40P01`):
    /// contention that a re-run of the statement or transaction resolves.
    public var isPostgresContention: Bool {
        guard case .postgres(let sqlstate) = kind else { return false }
        return sqlstate == "55P03" || sqlstate == "40001" || sqlstate == "40P01"
    }
}

/// Calls `body` with a NULL-free array of C strings that live for the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R) rethrows
    -> R
{
    try withOptionalCStrings(strings.map { Optional($0) } + [nil], body)
}

/// Calls `body` with C strings (NULL for nil) that live for the call.
private func withOptionalCStrings<R>(
    _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R
) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return try pointers.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else {
            var none: UnsafePointer<CChar>? = nil
            return try body(&none)
        }
        return try body(base)
    }
}
