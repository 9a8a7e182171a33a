import Foundation
import HTTP
import XCTest

/// A whole run over real HTTP: the coordinator's loopback server, workers reading pages and
/// keeping state in its object store through libcurl, faults injected, and the port closed after.
/// (`InterruptTests` checks the port after a SIGINT too.)
final class HTTPRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func testHTTPStateWithFaultsEndsConsistentWithRetriesCountedAndThePortClosed() throws {
        let folder = scratch.appendingPathComponent("run")
        let faults = ["api", "state"].flatMap {
            ["--set", "http.\($0).error_rate=0.2", "--set", "http.\($0).stall_rate=0.05"]
        }
        let result = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
            ] + faults
                + [
                    "--set", "state_backend=http", "--workers", "4", "--set", "http.timeout_ms=300", "--set",
                    "http.backoff_ms=1",
                ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, true)

        let integrity = try XCTUnwrap(summary["integrity"] as? [String: Any])
        XCTAssertEqual(integrity["ok"] as? Bool, true, "\(integrity)")
        XCTAssertEqual(integrity["locks_left"] as? Int, 0)
        XCTAssertEqual(
            integrity["state_documents_matching_last_write"] as? Int, integrity["expected_state_rows"] as? Int)
        XCTAssertEqual(integrity["lost_updates"] as? Int, 0)

        var retries: [String: Int] = [:]
        var maxLatency = 0.0
        var phases = Set<String>()
        for variant in try XCTUnwrap(summary["variants"] as? [[String: Any]]) {
            for phase in try XCTUnwrap(variant["http"] as? [[String: Any]]) {
                phases.insert(phase["phase"] as? String ?? "")
                for (cause, n) in try XCTUnwrap(phase["retries"] as? [String: Int]) { retries[cause, default: 0] += n }
                maxLatency = max(maxLatency, (phase["latency_ms"] as? [String: Any])?["max"] as? Double ?? 0)
            }
        }
        XCTAssertEqual(phases, ["extraction/pages", "extraction/state-writes", "pre-plugin/state-lookup"])
        XCTAssertGreaterThan(retries["server_error"] ?? 0, 0, "\(retries)")
        XCTAssertGreaterThan(retries["timeout"] ?? 0, 0, "\(retries)")
        // No attempt outlived the client's timeout by much (the server stalls for twice as long).
        XCTAssertLessThan(maxLatency, 300 * 1.5, "max latency \(maxLatency) ms")
        let failures = try XCTUnwrap(summary["failures"] as? [String: Any])
        XCTAssertEqual(failures["worker_timeouts"] as? Int, 0)

        let server = try XCTUnwrap(summary["http_server"] as? [String: Any])
        let port = try XCTUnwrap(server["port"] as? Int)
        XCTAssertEqual(server["port_closed_after_run"] as? Bool, true)
        XCTAssertFalse(LoopbackServer.isListening(port: port))
        let endpoints = try XCTUnwrap(server["endpoints"] as? [[String: Any]])
        let injected = endpoints.reduce(0) { $0 + ($1["server_errors"] as? Int ?? 0) }
        XCTAssertEqual(injected, retries["server_error"], "every 503 the server sent was retried and counted")

        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## HTTP"))
        XCTAssertTrue(report.contains("| http.api.error_rate | `0.2` |"), "the knob table has the HTTP rows")
        XCTAssertTrue(report.contains("nothing listens on port \(port)"))
    }
}
