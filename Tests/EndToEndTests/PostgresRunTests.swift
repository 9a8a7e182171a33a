import Foundation
import Storage
import TestSupport
import XCTest

/// The real binary with `--systemdb` on a throwaway PostgreSQL server (scripts/postgres-server):
/// every worker on its own connection, the integrity check against the server, and a server that
/// stops mid-run ending the run incomplete, in bounded time, with its report written.
final class PostgresRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        guard PostgresTestServer.available else { throw XCTSkip(PostgresTestServer.skipReason) }
        scratch = try SimulateBinary.temporaryFolder()
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func arguments(_ url: String, output: URL, _ extra: [String] = []) -> [String] {
        [
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
            "--output", output.path, "--cache-dir", scratch.appendingPathComponent("cache").path, "--systemdb", url,
        ] + extra
    }

    func testSmokeRunOnPostgresPassesTheIntegrityCheck() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let folder = scratch.appendingPathComponent("run")
        let result = try SimulateBinary.run(arguments(server.url, output: folder))
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, true)
        let integrity = try XCTUnwrap(summary["integrity"] as? [String: Any])
        XCTAssertEqual(integrity["ok"] as? Bool, true, "\(integrity)")
        XCTAssertEqual(integrity["runs_rows"] as? Int, 12)
        XCTAssertEqual(integrity["lost_updates"] as? Int, 0)
        let engine = try XCTUnwrap(integrity["system_database"] as? String)
        XCTAssertTrue(engine.hasPrefix("PostgreSQL "), engine)
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("- Engine: PostgreSQL "), report)
        XCTAssertTrue(report.contains("- Consistent."))
        // The rows are on the server, in the run's own schema, as Meltano's tables.
        let connection = try PostgresConnection(url: server.url)
        XCTAssertEqual(try connection.queryRow("SELECT count(*) FROM simulate_run.runs")?[0], "12")
        let states = try XCTUnwrap(integrity["expected_state_rows"] as? Int)
        XCTAssertEqual(try connection.queryRow("SELECT count(*) FROM simulate_run.state")?[0], "\(states)")
        // A second run on the same server gets a schema of its own.
        let again = scratch.appendingPathComponent("again")
        let second = try SimulateBinary.run(arguments(server.url, output: again, ["--invocations", "1"]))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try connection.queryRow("SELECT count(*) FROM simulate_again.runs")?[0], "4")
    }

    func testABadSystemdbValueIsOneLineNamingTheKey() throws {
        let result = try SimulateBinary.run(
            arguments("mysql://x", output: scratch.appendingPathComponent("bad")))
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("systemdb"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--systemdb"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    func testAnUnreachableServerFailsBeforeTheWorkersStart() throws {
        let started = Date()
        let result = try SimulateBinary.run(
            arguments("postgresql://postgres@127.0.0.1:1/postgres", output: scratch.appendingPathComponent("down")))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("systemdb"), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testAServerStoppedMidRunEndsItIncompleteWithItsReport() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let folder = scratch.appendingPathComponent("stopped")
        let process = Process()
        process.executableURL = SimulateBinary.url
        process.arguments = arguments(
            server.url, output: folder,
            ["--invocations", "40", "--set", "heartbeat_interval_seconds=0.05", "--set", "state_sample_messages=20"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for some invocations to finish, then take the server away.
        let events = folder.appendingPathComponent("events.jsonl")
        let deadline = Date() + 120
        while Date() < deadline {
            let text = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "\"invocation_finished\"").count > 4 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let stopped = Date()
        server.stop()
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(stopped), 120, "the run did not end in bounded time")
        XCTAssertEqual(process.terminationStatus, 3)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, false)
        let text = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(text.contains("**incomplete**"), String(text.prefix(600)))
        let failures = try XCTUnwrap(summary["failures"] as? [String: Any])
        // Invocations after the stop fail as database_unreachable, counted; their workers go on.
        XCTAssertGreaterThan(failures["database_unreachable_invocations"] as? Int ?? 0, 0, "\(failures)")
        XCTAssertEqual(failures["worker_exits"] as? Int, 0, "\(failures)")
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        let connectionErrors = variants.reduce(0) {
            $0 + (($1["storage"] as? [String: Any])?["connection_errors"] as? Int ?? 0)
        }
        XCTAssertGreaterThan(connectionErrors, 0)
        XCTAssertTrue(text.contains("could not be reached"), text)
    }
}
