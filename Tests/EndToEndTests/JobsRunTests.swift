import Foundation
import XCTest

/// A listed workload through the real binary: jobs of different sizes and runs, their minutes in
/// the summary and the report's Jobs section, a variant within noise folded into one line
/// (the fold's rule itself is pinned by `JobsSectionTests`).
final class JobsRunTests: XCTestCase {
    static let scenario = """
        name: jobs-e2e
        variants: [meltano-3.6.0, meltano-3.7.9, meltano-4.1]
        baseline: meltano-3.6.0
        invocations: 6
        workers: 2
        packages: 20
        cost_profile: cpython
        catalog_sample_lines: 20
        state_sample_messages: 3
        production:
          period: 1 day
        http:
          sample_pages: 2
        jobs:
          - {name: big, runs: 4, catalog_lines: 40000, state_messages: 5, records: 300, assumed: {start_seconds: 2}}
          - {name: small, runs: 1, catalog_lines: 2000, state_messages: 2, records: 0}
        """

    func testJobsHaveTheirOwnMinutesAndAddUpToTheEstimate() throws {
        let (r, run) = try SimulateBinary.runScenario(Self.scenario, file: "jobs.yaml")
        XCTAssertTrue(r.stdout.contains("over the 5-run production workload of 1 day"), r.stdout)
        let summary = try SimulateBinary.json(run.appendingPathComponent("summary.json"))
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        let regressed = try XCTUnwrap(variants.first { $0["name"] as? String == "meltano-3.7.9" })
        let jobs = try XCTUnwrap(regressed["jobs"] as? [[String: Any]])
        XCTAssertEqual(jobs.map { $0["name"] as? String }, ["big", "small"])
        XCTAssertEqual(jobs.map { $0["invocations"] as? Int }, [5, 1], "shared by runs, at least one each")
        let deltas = jobs.compactMap { $0["delta_minutes"] as? Double }
        XCTAssertEqual(deltas.count, 2)
        XCTAssertGreaterThan(deltas[0], 10 * deltas[1], "four runs of 20 times the catalog")
        let estimate = try XCTUnwrap((regressed["regression_minutes"] as? [String: Any])?["estimate"] as? Double)
        XCTAssertEqual(deltas.reduce(0, +), estimate, accuracy: 0.02 * abs(estimate) + 0.01)
        let report = try String(contentsOf: run.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Jobs"), report)
        XCTAssertTrue(report.contains("| big | 4 | 5 |"), report)
        // Whether meltano-4.1 is within noise is measured, not given: the report must follow the summary's interval.
        let other = try XCTUnwrap(variants.first { $0["name"] as? String == "meltano-4.1" })
        let interval = try XCTUnwrap(other["regression_minutes"] as? [String: Any])
        let low = try XCTUnwrap(interval["low"] as? Double)
        let high = try XCTUnwrap(interval["high"] as? Double)
        let withinNoise = low <= 0 && high >= 0
        XCTAssertEqual(report.contains("`meltano-4.1` changes the workload within noise"), withinNoise, report)
        XCTAssertEqual(
            report.contains("meltano-4.1 Δ min"), !withinNoise, "a variant within noise is one line, not a column")
    }
}
