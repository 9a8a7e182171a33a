import Foundation
import XCTest

/// Contracts checked on real multi-process runs: scan counts per strategy, and no lost update
/// under many concurrent workers.
final class ContractRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func run(_ flags: [String]) throws -> [String: Any] {
        let folder = scratch.appendingPathComponent("run")
        let result = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
                "--cost-profile", "native", "--set", "catalog_sample_lines=20",
            ] + flags)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
    }

    func testScansPerInvocationFollowEachStrategysContract() throws {
        let summary = try run([
            "--variants", "meltano-3.6.0,meltano-3.7.9,seed-3.7.9,fix-branch,meltano-4.1,persistent",
            "--error-rate", "0.2", "--packages", "60", "--invocations", "8", "--catalog-lines", "100",
        ])
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.count, 6)
        var errorPaths = 0
        for v in variants {
            let name = try XCTUnwrap(v["name"] as? String)
            let strategy = try XCTUnwrap(v["strategy"] as? String)
            let invocations = try XCTUnwrap(v["invocations"] as? [[String: Any]])
            XCTAssertEqual(invocations.count, 8, name)
            let scans = invocations.map { $0["scans"] as! Int }
            errorPaths += invocations.reduce(0) { $0 + ($1["error_paths"] as! Int) }
            switch strategy {
            case "static":
                XCTAssertEqual(scans, Array(repeating: 0, count: 8), name)
            case "per-process":
                XCTAssertEqual(
                    scans, invocations.map { $0["groups_touched"] as! Int }, "\(name): one scan per group touched")
            case "per-instance":
                XCTAssertEqual(
                    scans, invocations.map { $0["addon_objects"] as! Int }, "\(name): one scan per new add-on object")
                XCTAssertTrue(scans.allSatisfy { $0 >= 3 }, "\(name): settings + two managers at least")
            case "persistent":
                XCTAssertEqual(scans.reduce(0, +), 1, "\(name): one scan in the whole run")
                XCTAssertEqual(scans.first, 1, "\(name): and it is the first invocation's")
            default:
                XCTFail("unexpected strategy \(strategy)")
            }
        }
        XCTAssertGreaterThan(errorPaths, 0, "error rate 0.2 over 48 invocations meets some errors")
    }

    func testEightWorkersLeaveOneTerminalRunPerInvocationAndOneStatePerJob() throws {
        let summary = try run([
            "--variants", "meltano-3.6.0,meltano-3.7.9", "--workers", "8", "--invocations", "40",
            "--catalog-lines", "50", "--set", "state_messages=20", "--set", "state_sample_messages=20",
        ])
        let integrity = try XCTUnwrap(summary["integrity"] as? [String: Any])
        XCTAssertEqual(integrity["runs_rows"] as? Int, 80)
        XCTAssertEqual(integrity["non_terminal_runs"] as? Int, 0)
        XCTAssertEqual(integrity["state_rows"] as? Int, 18, "9 jobs × 2 variants")
        XCTAssertEqual(integrity["state_writes_reported"] as? Int, 80 * 20)
        XCTAssertEqual(integrity["state_writes_recorded"] as? Int, 80 * 20)
        XCTAssertEqual(integrity["ok"] as? Bool, true)
    }
}
