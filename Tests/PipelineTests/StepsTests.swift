import Foundation
import Model
import Scenario
import Storage
import XCTest

@testable import Pipeline

/// The invocation's steps as values, the storage seam, and the batch made from a scenario.
final class StepsTests: XCTestCase {
    func testStepsAreRegisteredInMeltanoOrder() throws {
        let fixture = try PipelineFixture(variants: ["meltano-4.1"])
        let services = InvocationServices(batch: fixture.batch) { _ in }
        XCTAssertEqual(
            services.pipelineSteps(for: fixture.batch).map(\.phase),
            [.settings, .bookkeeping, .stateLookup, .catalogWrite, .pages, .targetStateInit, .stateWrites, .teardown])
    }

    /// The same invocation against the in-memory system database: the same phases, statements and
    /// transactions as against SQLite, and the run and state rows where they belong.
    func testAnInvocationRunsAgainstTheInMemorySystemDatabase() throws {
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9"])
        let onSQLite = try fixture.run("meltano-3.7.9", index: 0)
        let sqlitePhases = fixture.events.compactMap(\.phase?.phase)
        let memory = InMemorySystemDatabase()
        let inMemory = try fixture.run(
            "meltano-3.7.9", index: 2, database: SystemDatabaseConnector { memory.connect() })
        let memoryPhases = fixture.events.filter { $0.invocation == 2 }.compactMap(\.phase?.phase)
        XCTAssertTrue(inMemory.succeeded)
        XCTAssertEqual(memoryPhases, sqlitePhases)
        XCTAssertEqual(inMemory.storage.statements, onSQLite.storage.statements)
        XCTAssertEqual(inMemory.storage.transactions, onSQLite.storage.transactions)
        XCTAssertEqual(inMemory.stateWrites, 2)
        XCTAssertGreaterThanOrEqual(inMemory.heartbeats, 1)
        let row = try XCTUnwrap(memory.runs.first)
        XCTAssertEqual(memory.runs.count, 1)
        XCTAssertEqual(row.state, .success)
        XCTAssertEqual(row.jobName, "job-0")
        XCTAssertEqual(row.payloadFlags, 1)
        XCTAssertEqual(try memory.connect().get(stateID: "meltano-3.7.9:job-0")?.writeCount, 2)
        // Nothing of the in-memory invocation reached the SQLite file.
        let sqlite = try SystemDatabase(path: fixture.databasePath)
        XCTAssertEqual(try sqlite.connection.queryRow("SELECT COUNT(*) FROM runs")?.first, .integer(1))
    }

    /// One initializer makes the batch from the scenario; it travels as JSON, locators included.
    func testABatchIsMadeFromTheScenarioInOnePlace() throws {
        let scenario = try ScenarioLoader.load(
            yaml: """
                name: batch
                state_backend: http
                catalog_lines: 500
                catalog_sample_lines: 50
                catalog_write: sync
                state_messages: 7
                busy_timeout_seconds: 12
                http:
                  pages: 9
                  sample_pages: 3
                """, displayName: "batch.yaml", overrides: [])
        let places = WorkerBatch.Places(
            systemDatabase: .sqlite(path: "work/system.db"), stateRoot: "work/state", discoveryCache: "work/cache",
            scratch: "work/scratch", httpServer: .loopback(port: 8123))
        let batch = WorkerBatch(
            scenario: scenario, costProfile: .native, pathEntries: ["site-packages"], places: places)
        XCTAssertEqual(
            batch.catalog,
            CatalogWork(lines: 500, sampleLines: 50, writeOverride: .sync, scratchDirectory: "work/scratch"))
        XCTAssertEqual(batch.state.backend, .http)
        XCTAssertEqual(batch.state.messages, 7)
        XCTAssertEqual(batch.state.root, "work/state")
        XCTAssertEqual(batch.systemDatabase.locator, .sqlite(path: "work/system.db"))
        XCTAssertEqual(batch.systemDatabase.busyTimeoutSeconds, 12)
        XCTAssertEqual(batch.discovery.pathEntries, ["site-packages"])
        XCTAssertEqual(batch.http?.client.baseURL, "http://127.0.0.1:8123")
        XCTAssertEqual(batch.http?.pagesRead, 3)
        XCTAssertEqual(batch.retryOnError, scenario.retryOnError)
        let decoded = try JSONDecoder().decode(WorkerBatch.self, from: JSONEncoder().encode(batch))
        XCTAssertEqual(decoded.systemDatabase, batch.systemDatabase)
        XCTAssertEqual(decoded.http, batch.http)
        XCTAssertEqual(decoded.catalog, batch.catalog)
        XCTAssertEqual(decoded.state, batch.state)
        XCTAssertEqual(HTTPServerLocator(host: "::1", port: 80).baseURL, "http://[::1]:80")
    }

    /// A job's name is the user's: quotes, CR, newlines and markup in it still make a valid STATE value.
    func testAStateValueIsValidJSONWhateverTheJobsName() throws {
        let name = "job\r| x ``` </details>\n\"quoted\" \\ <img src=x onerror=alert(1)>"
        let payload = StateWriteStep.statePayload(stream: StateWriteStep.jsonString(name), message: 61)
        let document = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: [String: [String: Any]]])
        let bookmark = try XCTUnwrap(document["bookmarks"]?[name])
        XCTAssertEqual(bookmark["replication_key_value"] as? String, "2026-01-08T00:01:01Z")
        XCTAssertEqual(bookmark["message"] as? Int, 61)
    }
}
