import Foundation
import TestSupport
import Testing

@testable import Storage

/// `PostgresSystemDatabase` on a real server (scripts/postgres-server, started once for this process,
/// each test in a schema of its own): Meltano's tables, the same statements as SQLite, no lost
/// update under concurrent writers, lock waits and connection errors counted.
@Suite(.enabled(if: PostgresTestServer.available, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresSystemDatabaseTests {
    /// A URL whose connections see a fresh schema with Meltano's tables in it.
    func freshDatabase(_ label: String = #function) throws -> String {
        let server = try #require(PostgresTestServer.shared, "the test server did not start")
        let schema =
            "t_" + label.lowercased().filter { $0.isLetter || $0.isNumber } + "_"
            + UUID().uuidString.prefix(8).lowercased()
        try PostgresSystemDatabase.create(url: server.url, namespace: schema)
        return server.url(schema: schema)
    }

    @Test func createsMeltanosTablesIdempotently() throws {
        let url = try freshDatabase()
        let server = try #require(PostgresTestServer.shared)
        let schema = String(url.split(separator: "=").last ?? "")
        try PostgresSystemDatabase.create(url: server.url, namespace: schema)  // again: no error
        let database = try PostgresSystemDatabase(url: url)
        func columns(_ table: String) throws -> [String] {
            try database.connection.query(
                """
                SELECT column_name || ' ' || data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                """, [table]
            ).compactMap { $0[0] }
        }
        #expect(
            try columns("runs") == [
                "id integer", "job_name character varying", "state character varying",
                "started_at timestamp without time zone", "ended_at timestamp without time zone",
                "payload character varying", "payload_flags integer", "run_id uuid", "trigger character varying",
                "last_heartbeat_at timestamp without time zone",
            ])
        #expect(
            try columns("state") == [
                "state_id character varying", "partial_state character varying",
                "completed_state character varying", "updated_at timestamp without time zone",
            ])
        let constraints = try database.connection.query(
            "SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY conname"
        ).compactMap { $0[0] }
        // The migration's UNIQUE (state_id) duplicates the primary key, and PostgreSQL keeps only the latter.
        #expect(constraints == ["alembic_version_pkc", "job_pkey", "state_pkey"])
        #expect(try database.connection.queryRow("SELECT version_num FROM alembic_version")?[0] == "c0efb3c314eb")
        #expect(
            try database.connection.queryRow("SELECT pg_get_serial_sequence('runs', 'id')")?[0]?.hasSuffix(
                "job_id_seq") == true)
    }

    @Test func agreesWithSQLiteOnTheSharedScript() throws {
        let url = try freshDatabase()
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        try SystemDatabase.create(at: folder.file("meltano.db"))
        let sqlite = try SystemDatabaseStoreTests().script(SystemDatabase(path: folder.file("meltano.db")))
        var postgres = try SystemDatabaseStoreTests().script(PostgresSystemDatabase(url: url))
        #expect(postgres.stats.connectionErrors == 0)
        postgres.stats.connectionErrors = 0
        #expect(postgres == sqlite)
    }

    @Test func runRowsKeepTheirTimestampsAndIDs() throws {
        let database = try PostgresSystemDatabase(url: try freshDatabase())
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)
        let id = try database.insertRun(
            jobName: "dev:tap-a-to-target-b", runID: UUID().uuidString, trigger: "cli", now: start)
        try database.heartbeat(runRowID: id, now: start + 1)
        try database.endRun(runRowID: id, succeeded: true, now: start + 2)
        let row = try #require(
            try database.connection.queryRow(
                #"SELECT state, to_char(started_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), "trigger" FROM runs WHERE id = $1"#,
                [String(id)]))
        #expect(row == ["SUCCESS", StorageTimestamp.format(start), "cli"])
        #expect(try database.runsByState() == ["SUCCESS": 1])
        let second = try database.insertRun(jobName: "j", runID: UUID().uuidString, trigger: "cli", now: start)
        #expect(second == id + 1)
        let stored = try #require(try database.set(stateID: "s", completed: "{}", partial: nil))
        #expect(stored.writeSequence == 1)
        #expect(StorageTimestamp.parse(try #require(try database.get(stateID: "s")).updatedAt) != nil)
        #expect(try database.stateRowCount() == 1)
    }

    @Test func eightConnectionsOnEightThreadsLoseNoUpdate() throws {
        let url = try freshDatabase()
        let writers = 8
        let writes = 40
        let databases = try (0..<writers).map { _ in try PostgresSystemDatabase(url: url) }
        let sequences = Locked<[Int]>([])
        let receiptWaits = Locked(0)
        let errors = runOnThreads(writers) { index in
            for write in 0..<writes {
                let receipt = try databases[index].set(
                    stateID: "dev:contended", completed: nil, partial: #"{"writer\#(index)": \#(write)}"#)
                sequences.withValue { $0.append(receipt.writeSequence) }
                receiptWaits.withValue { $0 += receipt.busyWaits }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let final = try #require(try databases[0].get(stateID: "dev:contended"))
        #expect(final.writeCount == writers * writes)
        #expect(sequences.current.sorted() == Array(1...(writers * writes)))  // every write saw its predecessor
        let stats = databases.map(\.stats)
        #expect(receiptWaits.current == stats.map(\.totalWaits).reduce(0, +))
        #expect(stats.map(\.transactions).reduce(0, +) == writers * writes)
        #expect(stats.map(\.totalWaits).reduce(0, +) > 0, "eight writers of one row never waited")
        print(
            "postgres contention: \(stats.map(\.busyWaits).reduce(0, +)) lock waits, "
                + "\(stats.map(\.retries).reduce(0, +)) serialization retries")
    }

    @Test func aHeldRowLockIsWaitedForAndCounted() throws {
        let url = try freshDatabase()
        let database = try PostgresSystemDatabase(url: url)
        try database.set(stateID: "s", completed: "{}", partial: nil)
        let holder = try PostgresConnection(url: url)
        let held = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            try? holder.transaction {
                try holder.execute("SELECT 1 FROM state WHERE state_id = 's' FOR UPDATE")
                held.signal()
                Thread.sleep(forTimeInterval: 0.3)
            }
            done.signal()
        }.start()
        held.wait()
        let receipt = try database.set(stateID: "s", completed: nil, partial: #"{"a": 1}"#)
        done.wait()
        #expect(receipt.writeSequence == 2)
        #expect(database.stats.busyWaits > 0)
        #expect(receipt.waitNanoseconds >= 150_000_000)
    }

    @Test func aLockHeldPastTheLimitIsABusyTimeout() throws {
        let url = try freshDatabase()
        let database = try PostgresSystemDatabase(url: url, busyTimeoutSeconds: 0.2)
        try database.set(stateID: "s", completed: "{}", partial: nil)
        let holder = try PostgresConnection(url: url)
        try holder.transaction {
            try holder.execute("SELECT 1 FROM state WHERE state_id = 's' FOR UPDATE")
            let started = Date()
            #expect {
                try database.set(stateID: "s", completed: "{}", partial: nil)
            } throws: { ($0 as? StorageError)?.kind == .busyTimeout }
            #expect(Date().timeIntervalSince(started) < 2)
        }
    }

    @Test func anUnreachableServerIsAConnectionErrorInBoundedTime() throws {
        let started = Date()
        #expect {
            _ = try PostgresSystemDatabase(url: "postgresql://postgres@127.0.0.1:1/postgres")
        } throws: { ($0 as? StorageError)?.kind == .connection }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aServerStoppedMidUseIsAConnectionErrorCounted() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        try PostgresSystemDatabase.create(url: server.url, namespace: "s")
        let database = try PostgresSystemDatabase(url: server.url(schema: "s"))
        let id = try database.insertRun(jobName: "j", runID: UUID().uuidString, trigger: "cli", now: Date())
        server.stop()
        let started = Date()
        #expect {
            try database.heartbeat(runRowID: id, now: Date())
        } throws: { ($0 as? StorageError)?.kind == .connection }
        #expect {
            try database.endRun(runRowID: id, succeeded: true, now: Date())
        } throws: { ($0 as? StorageError)?.kind == .connection }
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(database.stats.connectionErrors == 2)
    }
}
