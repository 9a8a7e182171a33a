import Foundation
import XCTest

/// A tiny fleet through the real binary: every run of the day its own worker, the Fleet section
/// in the report and `fleet` in the summary, agreeing with each other. Nothing here depends on
/// how fast the machine is: only counts and identities are checked.
final class FleetRunTests: XCTestCase {
    static let scenario = """
        name: fleet-e2e
        variants: [meltano-3.6.0, meltano-3.7.9]
        baseline: meltano-3.6.0
        packages: 20
        cost_profile: cpython
        catalog_lines: 2000
        catalog_sample_lines: 10
        state_messages: 4
        state_sample_messages: 2
        jobs: 3
        http:
          pages: 2
          sample_pages: 1
        fleet:
          runs_per_day: 20
          slots: 4
          day_seconds: 2
        """

    func testATinyFleetReportsItsDayPerVariant() throws {
        let (_, run) = try SimulateBinary.runScenario(Self.scenario, file: "fleet.yaml")
        let summary = try SimulateBinary.json(run.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["worker_processes"] as? Int, 40, "one worker process per run of each variant's day")
        let fleet = try XCTUnwrap(summary["fleet"] as? [String: Any])
        XCTAssertEqual(fleet["runs_per_day"] as? Int, 20)
        XCTAssertEqual(fleet["slots"] as? Int, 4)
        let variants = try XCTUnwrap(fleet["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.map { $0["name"] as? String }, ["meltano-3.6.0", "meltano-3.7.9"])
        let report = try String(contentsOf: run.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Fleet"), report)
        var hours: [Double] = []
        for v in variants {
            let name = try XCTUnwrap(v["name"] as? String)
            XCTAssertEqual(v["runs"] as? Int, 20, name)
            let cpu = try XCTUnwrap(v["cpu_seconds_per_run"] as? Double, name)
            let atScale = try XCTUnwrap(v["cpu_seconds_per_run_at_scale"] as? Double, name)
            let perDay = try XCTUnwrap(v["cpu_hours_per_day"] as? Double, name)
            XCTAssertGreaterThan(cpu, 0, name)
            XCTAssertGreaterThan(atScale, 0, name)
            XCTAssertEqual(perDay, atScale * 20 / 3600, accuracy: 1e-12, name)
            hours.append(perDay)
            let row = [String(format: "%.4f", cpu), String(format: "%.2f", atScale), String(format: "%.2f", perDay)]
            XCTAssertTrue(
                report.contains("| \(name) | \(row.joined(separator: " | ")) |"),
                "the report's CPU row is the summary's: \(report)")
            let database = try XCTUnwrap(v["database"] as? [String: Any])
            let statements = try XCTUnwrap(database["statements"] as? Int)
            XCTAssertGreaterThan(statements, 0, name)
            let levels = try XCTUnwrap(database["by_concurrency"] as? [[String: Any]])
            XCTAssertEqual(levels.compactMap { $0["invocations"] as? Int }.reduce(0, +), 20, name)
            XCTAssertEqual(levels.compactMap { $0["statements"] as? Int }.reduce(0, +), statements, name)
            let production = try XCTUnwrap(v["production"] as? [String: Any])
            XCTAssertLessThanOrEqual(
                try XCTUnwrap(production["wait_p95_seconds"] as? Double),
                try XCTUnwrap(production["wait_max_seconds"] as? Double), name)
        }
        let delta = try XCTUnwrap(variants[1]["cpu_hours_per_day_delta"] as? Double)
        XCTAssertEqual(delta, hours[1] - hours[0], accuracy: 1e-12)
        XCTAssertNil(variants[0]["cpu_hours_per_day_delta"], "the baseline has no delta")
        // Each run's arrival, start and finish are events.
        let events = try String(contentsOf: run.appendingPathComponent("events.jsonl"), encoding: .utf8)
        XCTAssertEqual(events.components(separatedBy: "\"event\":\"run_arrived\"").count - 1, 40)
    }

    func testARunThatIsNoFleetHasNoFleetSection() throws {
        let folder = try SimulateBinary.temporaryFolder()
        let run = folder.appendingPathComponent("run")
        let r = try SimulateBinary.run([
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path, "--variants",
            "meltano-3.6.0,meltano-3.7.9", "--output", run.path,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try SimulateBinary.json(run.appendingPathComponent("summary.json"))
        XCTAssertNil(summary["fleet"])
        let report = try String(contentsOf: run.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertFalse(report.contains("## Fleet"), report)
    }
}
