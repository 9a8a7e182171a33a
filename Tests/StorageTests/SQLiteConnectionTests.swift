import Foundation
import TestSupport
import Testing

@testable import Storage

@Suite struct SQLiteConnectionTests {
    @Test func opensInWALModeAndRoundTripsValues() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let connection = try SQLiteConnection(path: folder.file("db.sqlite"))
        #expect(try connection.journalMode() == "wal")
        #expect(try connection.queryRow("PRAGMA synchronous")?.first == .integer(1))  // NORMAL

        try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)")
        try connection.execute(
            "INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(42), .real(1.5), .text("héllo:1"), .null])
        let row = try #require(try connection.queryRow("SELECT i, r, s, n FROM t"))
        #expect(row == [.integer(42), .real(1.5), .text("héllo:1"), .null])
    }

    @Test func cachesPreparedStatementsAndClearsBindings() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let connection = try SQLiteConnection(path: folder.file("db.sqlite"))
        let cachedAtOpen = connection.cachedStatementCount  // the setup pragmas
        try connection.execute("CREATE TABLE t (v INTEGER)")
        let insert = "INSERT INTO t VALUES (?)"
        for value in 1...5 { try connection.execute(insert, [SQLiteValue(value)]) }
        // CREATE + INSERT; the 5 inserts share one statement.
        #expect(connection.cachedStatementCount - cachedAtOpen == 2)
        #expect(try connection.queryRow("SELECT SUM(v) FROM t")?.first == .integer(15))
        #expect(connection.stats.statementsExecuted == 7)
    }

    @Test func errorsCarryMessageAndSQL() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let connection = try SQLiteConnection(path: folder.file("db.sqlite"))
        let sql = "SELECT * FROM missing_table"
        do {
            _ = try connection.query(sql)
            Issue.record("expected an error")
        } catch let error as StorageError {
            #expect(error.sql == sql)
            #expect(error.message.contains("no such table"))
            #expect(!error.isBusy)
        }
    }

    @Test func transactionRollsBackWhenBodyThrows() throws {
        struct Boom: Error {}
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let connection = try SQLiteConnection(path: folder.file("db.sqlite"))
        try connection.execute("CREATE TABLE t (v INTEGER)")
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try connection.queryRow("SELECT COUNT(*) FROM t")?.first == .integer(0))
        #expect(connection.stats.rollbacks == 1)
        #expect(connection.stats.transactions == 0)
        try connection.transaction { try connection.execute("INSERT INTO t VALUES (1)") }
        #expect(connection.stats.transactions == 1)
        #expect(try connection.queryRow("SELECT COUNT(*) FROM t")?.first == .integer(1))
    }

    @Test func busyHandlerWaitsAndCounts() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("db.sqlite")
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (v INTEGER)")
        let writer = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 5000)

        let done = DispatchSemaphore(value: 0)
        holdWriteLock(holder, milliseconds: 300, done: done)
        let started = Date()
        try writer.execute("INSERT INTO t VALUES (1)")
        let elapsed = Date().timeIntervalSince(started)
        done.wait()

        let stats = writer.stats
        #expect(stats.busyWaits > 0)
        #expect(stats.busyWaitNanoseconds >= 150_000_000)
        #expect(stats.retries == 0)  // the handler's 5 s were enough
        #expect(elapsed >= 0.15)
        #expect(try writer.queryRow("SELECT COUNT(*) FROM t")?.first == .integer(1))
    }

    @Test func retriesWholeTransactionAfterHandlerGivesUp() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("db.sqlite")
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (v INTEGER)")
        let writer = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 20)

        let done = DispatchSemaphore(value: 0)
        holdWriteLock(holder, milliseconds: 300, done: done)
        let runs = Locked(0)
        try writer.transaction {
            runs.withValue { $0 += 1 }
            try writer.execute("INSERT INTO t VALUES (1)")
        }
        done.wait()

        let stats = writer.stats
        #expect(stats.retries > 0)
        #expect(stats.busyWaits > 0)
        #expect(stats.transactions == 1)
        #expect(runs.current == 1)  // BEGIN IMMEDIATE was busy, so the body ran once
        #expect(try writer.queryRow("SELECT COUNT(*) FROM t")?.first == .integer(1))
    }

    @Test func busyPastRetryLimitSurfacesAsBusyTimeout() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("db.sqlite")
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (v INTEGER)")
        let writer = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 10, retryLimitSeconds: 0.1)

        let done = DispatchSemaphore(value: 0)
        holdWriteLock(holder, milliseconds: 700, done: done)
        do {
            try writer.execute("INSERT INTO t VALUES (1)")
            Issue.record("expected busyTimeout")
        } catch let error as StorageError {
            #expect(error.kind == .busyTimeout)
            #expect(error.sql == "INSERT INTO t VALUES (1)")
        }
        done.wait()
        #expect(writer.stats.retries > 0)
    }

    @Test func timestampsAreFixedWidthMicrosecondUTC() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let text = StorageTimestamp.format(date)
        #expect(text == "2023-11-14T22:13:20.123456Z")
        let parsed = try #require(StorageTimestamp.parse(text))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_002)
        // Python's isoformat() with an offset, as Meltano writes lock files.
        let python = try #require(StorageTimestamp.parse("2023-11-14T23:13:20.5+01:00"))
        #expect(abs(python.timeIntervalSince1970 - 1_700_000_000.5) < 0.000_001)
        #expect(StorageTimestamp.parse("yesterday") == nil)
        #expect(
            StorageTimestamp.format(Date(timeIntervalSince1970: 9))
                < StorageTimestamp.format(Date(timeIntervalSince1970: 10)))
    }
}
