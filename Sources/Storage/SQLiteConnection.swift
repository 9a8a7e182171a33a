import CSQLite
import Foundation
import Model

/// One SQLite connection in WAL mode that waits for, and counts, contention.
///
/// - A custom busy handler sleeps on SQLite's own back-off schedule up to
///   `busyTimeoutMilliseconds` and counts every wait (`stats.busyWaits`, `busyWaitNanoseconds`).
/// - If SQLite still answers BUSY/LOCKED after that, the whole statement (outside a
///   transaction) or the whole transaction is retried with back-off until `retryLimitSeconds`
///   has passed; only then does a `StorageError` of kind `.busyTimeout` surface.
/// - Prepared statements are cached by SQL text.
///
/// `@unchecked Sendable`: all use of the `sqlite3*` handle and the statement cache happens
/// under `lock` (recursive, because a transaction body runs statements while holding it), so
/// the connection may be handed between threads; concurrent callers are serialized.
public final class SQLiteConnection: @unchecked Sendable {
    /// The database file.
    public let path: String
    /// How long the busy handler waits for one lock before giving up (then the statement or
    /// transaction is retried as a whole).
    public let busyTimeoutMilliseconds: Int
    /// How long a statement or transaction is retried while the database stays busy.
    public let retryLimitSeconds: Double

    private let lock = NSRecursiveLock()
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private var transactionDepth = 0
    private let busyContext: BusyContext
    private let statsBox = StatsBox()

    // SQLITE_TRANSIENT is a macro Swift does not import: SQLite copies the bound bytes.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Opens (creating if needed) the database at `path`, switches it to WAL with
    /// `synchronous=NORMAL`, and installs the counting busy handler.
    public init(path: String, busyTimeoutMilliseconds: Int = 5000, retryLimitSeconds: Double = 30) throws {
        self.path = path
        self.busyTimeoutMilliseconds = max(0, busyTimeoutMilliseconds)
        self.retryLimitSeconds = max(0, retryLimitSeconds)
        busyContext = BusyContext(timeoutMilliseconds: self.busyTimeoutMilliseconds, stats: statsBox)

        var handle: OpaquePointer?
        // NOMUTEX: SQLite's own mutex is redundant, `lock` already serializes use.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StorageError(kind: .sqlite(code: rc), message: message, path: path)
        }
        db = handle
        sqlite3_extended_result_codes(handle, 1)

        // A capture-free closure is a C function pointer; the context travels as an
        // unretained pointer, valid because `busyContext` lives as long as the handle.
        let context = Unmanaged.passUnretained(busyContext).toOpaque()
        sqlite3_busy_handler(
            handle,
            { context, count in
                guard let context else { return 0 }
                return Unmanaged<BusyContext>.fromOpaque(context).takeUnretainedValue()
                    .shouldRetry(afterPriorWaits: Int(count)) ? 1 : 0
            }, context)

        do {
            // Switching to WAL needs a brief lock; run it through the retrying path.
            _ = try query("PRAGMA journal_mode=WAL")
            _ = try execute("PRAGMA synchronous=NORMAL")
        } catch {
            close()
            throw error
        }
        // The pragmas are setup, not workload: do not count them.
        statsBox.update { $0 = DatabaseStats() }
    }

    deinit { close() }

    /// Finalizes cached statements and closes the handle. Idempotent.
    public func close() {
        lock.withLock {
            for statement in statements.values { sqlite3_finalize(statement) }
            statements.removeAll()
            if let db { sqlite3_close_v2(db) }
            db = nil
        }
    }

    /// The counters so far (safe to read from any thread at any time).
    public var stats: DatabaseStats { statsBox.snapshot }

    /// Number of prepared statements in the cache.
    public var cachedStatementCount: Int { lock.withLock { statements.count } }

    /// The row id of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { lock.withLock { db.map { sqlite3_last_insert_rowid($0) } ?? 0 } }

    /// The current journal mode (`wal` once opened on a file).
    public func journalMode() throws -> String {
        try queryRow("PRAGMA journal_mode")?.first?.stringValue ?? ""
    }

    // MARK: - Statements

    /// Runs one statement with positional `?` bindings and returns the number of rows changed.
    @discardableResult
    public func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> Int {
        try lock.withLock {
            try retryingWhenBusy(sql: sql) {
                _ = try runOnce(sql, bindings)
                return Int(sqlite3_changes(db))
            }
        }
    }

    /// Runs one statement and returns all of its rows.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try lock.withLock {
            try retryingWhenBusy(sql: sql) { try runOnce(sql, bindings) }
        }
    }

    /// Runs one statement and returns its first row, if any.
    public func queryRow(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> [SQLiteValue]? {
        try query(sql, bindings).first
    }

    /// Runs several `;`-separated statements (schema scripts); not cached, no bindings.
    public func executeScript(_ sql: String) throws {
        try lock.withLock {
            try retryingWhenBusy(sql: sql) {
                let db = try openHandle(sql: sql)
                var message: UnsafeMutablePointer<CChar>?
                let rc = sqlite3_exec(db, sql, nil, nil, &message)
                defer { sqlite3_free(message) }
                guard rc == SQLITE_OK else {
                    let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
                    throw StorageError(kind: .sqlite(code: rc), message: text, sql: sql)
                }
                statsBox.update { $0.statementsExecuted += 1 }
            }
        }
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` (or deferred `BEGIN`), `COMMIT`, and
    /// `ROLLBACK` if `body` throws.
    ///
    /// If BEGIN, a statement in `body`, or COMMIT stays busy after the busy handler gave up,
    /// the transaction is rolled back and `body` runs again after a back-off, until
    /// `retryLimitSeconds`; so `body` must be safe to re-run (only database work inside).
    /// A transaction inside another one joins the outer one. Other threads using this
    /// connection wait until it ends.
    @discardableResult
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            if transactionDepth > 0 { return try body() }
            let begin = immediate ? "BEGIN IMMEDIATE" : "BEGIN"
            let started = MonotonicClock.now()
            defer { recordLatency(since: started) }
            var attempt = 0
            while true {
                do {
                    try control(begin)
                    transactionDepth += 1
                    defer { transactionDepth -= 1 }
                    let result: T
                    do {
                        result = try body()
                        try commit(started: started)
                    } catch {
                        rollbackIfOpen()
                        throw error
                    }
                    statsBox.update { $0.transactions += 1 }
                    return result
                } catch let error as StorageError where error.isBusy {
                    try backOff(attempt: attempt, started: started, sql: begin, cause: error)
                    attempt += 1
                }
            }
        }
    }

    /// Runs `body` with exclusive use of this connection and reports the waits (busy-handler
    /// sleeps plus retries) and the time they took, counted only for this call.
    public func measuringWaits<T>(_ body: () throws -> T) rethrows -> (result: T, waits: Int, waitNanoseconds: UInt64) {
        try lock.withLock {
            let before = statsBox.snapshot
            let result = try body()
            let after = statsBox.snapshot
            return (
                result, after.totalWaits - before.totalWaits,
                after.totalWaitNanoseconds - before.totalWaitNanoseconds
            )
        }
    }

    // MARK: - Internals (all called with `lock` held)

    private func openHandle(sql: String?) throws -> OpaquePointer {
        guard let db else {
            throw StorageError(
                kind: .sqlite(code: SQLITE_MISUSE), message: "connection is closed", sql: sql, path: path)
        }
        return db
    }

    /// Re-runs `operation` while it fails busy, outside transactions only: inside one, the
    /// snapshot may be stale, so the error goes up and the whole transaction is retried.
    private func retryingWhenBusy<T>(sql: String, _ operation: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try operation() }
        let started = MonotonicClock.now()
        defer { recordLatency(since: started) }
        var attempt = 0
        while true {
            do {
                return try operation()
            } catch let error as StorageError where error.isBusy {
                try backOff(attempt: attempt, started: started, sql: sql, cause: error)
                attempt += 1
            }
        }
    }

    /// Counts one statement's or transaction's latency (`DatabaseStats.latency`).
    private func recordLatency(since started: UInt64) {
        let elapsed = MonotonicClock.now() - started
        statsBox.update { $0.latency.record(nanoseconds: elapsed) }
    }

    /// Sleeps before retry number `attempt`, or throws `.busyTimeout` once the limit passed.
    private func backOff(attempt: Int, started: UInt64, sql: String, cause: StorageError) throws {
        let limit = UInt64(retryLimitSeconds * 1e9)
        let elapsed = MonotonicClock.now() - started
        guard elapsed < limit else {
            throw StorageError(
                kind: .busyTimeout,
                message: "still busy after \(retryLimitSeconds) s and \(attempt) retries: \(cause.message)",
                sql: sql, path: path)
        }
        let delay = min(UInt64(BackOff.step(attempt).delay) * 1_000_000, limit - elapsed)
        let before = MonotonicClock.now()
        sleepNanoseconds(delay)
        let slept = MonotonicClock.now() - before
        statsBox.update {
            $0.retries += 1
            $0.retryWaitNanoseconds += slept
        }
    }

    /// COMMIT can report BUSY (rollback-journal readers); the transaction stays open then,
    /// so only the COMMIT is retried.
    private func commit(started: UInt64) throws {
        var attempt = 0
        while true {
            do {
                return try control("COMMIT")
            } catch let error as StorageError where error.isBusy && sqlite3_get_autocommit(db) == 0 {
                try backOff(attempt: attempt, started: started, sql: "COMMIT", cause: error)
                attempt += 1
            }
        }
    }

    /// Rolls back unless SQLite already did (it does on some errors).
    private func rollbackIfOpen() {
        guard let db, sqlite3_get_autocommit(db) == 0 else { return }
        _ = try? control("ROLLBACK")
        statsBox.update { $0.rollbacks += 1 }
    }

    /// Transaction control: cached and stepped like any statement, but not counted.
    private func control(_ sql: String) throws {
        _ = try step(sql, [])
    }

    private func runOnce(_ sql: String, _ bindings: [SQLiteValue]) throws -> [[SQLiteValue]] {
        let rows = try step(sql, bindings)
        statsBox.update { $0.statementsExecuted += 1 }
        return rows
    }

    private func step(_ sql: String, _ bindings: [SQLiteValue]) throws -> [[SQLiteValue]] {
        let statement = try prepared(sql)
        // Reset in all cases so a failed statement does not keep its read lock.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(bindings, to: statement, sql: sql)
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            switch rc {
            case SQLITE_ROW: rows.append(row(of: statement))
            case SQLITE_DONE: return rows
            default: throw sqliteError(rc, sql: sql)
            }
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        let db = try openHandle(sql: sql)
        var statement: OpaquePointer?
        // PERSISTENT: these statements are kept for the connection's lifetime.
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw sqliteError(rc, sql: sql)
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLiteValue], to statement: OpaquePointer, sql: String) throws {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard values.count == expected else {
            throw StorageError(
                kind: .sqlite(code: SQLITE_RANGE),
                message: "expected \(expected) bindings, got \(values.count)", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let number): rc = sqlite3_bind_int64(statement, index, number)
            case .real(let number): rc = sqlite3_bind_double(statement, index, number)
            case .text(let text): rc = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .null: rc = sqlite3_bind_null(statement, index)
            }
            guard rc == SQLITE_OK else { throw sqliteError(rc, sql: sql) }
        }
    }

    private func row(of statement: OpaquePointer) -> [SQLiteValue] {
        (0..<sqlite3_column_count(statement)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
            case SQLITE_NULL: return .null
            default:
                // TEXT (and BLOB, read as UTF-8): take the byte count so NULs survive.
                guard let bytes = sqlite3_column_text(statement, column) else { return .text("") }
                let count = Int(sqlite3_column_bytes(statement, column))
                return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
            }
        }
    }

    private func sqliteError(_ rc: Int32, sql: String) -> StorageError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return StorageError(kind: .sqlite(code: rc), message: message, sql: sql)
    }
}

/// State for the C busy handler. Immutable apart from the lock-protected stats, so `Sendable`.
private final class BusyContext: Sendable {
    let timeoutMilliseconds: Int
    let stats: StatsBox

    init(timeoutMilliseconds: Int, stats: StatsBox) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.stats = stats
    }

    /// Mirrors `sqliteDefaultBusyCallback`: sleep the scheduled delay, clipped to the timeout;
    /// false (give up) once the timeout is used.
    func shouldRetry(afterPriorWaits count: Int) -> Bool {
        var (delay, prior) = BackOff.step(count)
        if prior + delay > timeoutMilliseconds {
            delay = timeoutMilliseconds - prior
            if delay <= 0 { return false }
        }
        let before = MonotonicClock.now()
        sleepNanoseconds(UInt64(delay) * 1_000_000)
        let slept = MonotonicClock.now() - before
        stats.update {
            $0.busyWaits += 1
            $0.busyWaitNanoseconds += slept
        }
        return true
    }
}
