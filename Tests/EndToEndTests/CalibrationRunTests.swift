import Foundation
import XCTest

/// The real binary: calibration, cost-profile errors, the cold page cache, the seed's benchmarks
/// and the cache benchmark, end to end.
final class CalibrationRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func scenario(_ name: String) -> String {
        SimulateBinary.repository.appendingPathComponent("scenarios/\(name).yaml").path
    }

    func run(_ name: String, _ extra: [String], output: String = "run") throws -> (SimulateBinary.Output, URL) {
        let folder = scratch.appendingPathComponent(output)
        let result = try SimulateBinary.run(
            [
                "--scenario", scenario(name), "--output", folder.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path,
            ] + extra)
        return (result, folder)
    }

    func testColdCacheRunSaysWhetherTheDropTookEffectAndWhatColdCosts() throws {
        let (result, folder) = try run("smoke", ["--cache", "cold"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Page cache: cold"), report)
        XCTAssertTrue(report.contains("Did it take effect? Before the run's scans: **"), report)
        XCTAssertTrue(
            report.contains("the native scan's cost per distribution (whole scan ÷ N) on this machine: warm "), report)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let cache = try XCTUnwrap(summary["page_cache"] as? [String: Any])
        let dropped = try XCTUnwrap(cache["run"] as? [String: Any])
        XCTAssertGreaterThan(dropped["files"] as? Int ?? 0, 0)
        XCTAssertEqual(dropped["failed"] as? Int, 0)

        let (warm, warmFolder) = try run("smoke", [], output: "warm")
        XCTAssertEqual(warm.status, 0, warm.stderr)
        XCTAssertNil(try SimulateBinary.json(warmFolder.appendingPathComponent("summary.json"))["page_cache"])
    }

    func testABadCostFileIsOneLineAndExitTwoAndNothingIsWritten() throws {
        let bad = scratch.appendingPathComponent("bad.json")
        try Data("{\"format\": 1, \"name\": \"x\", \"units\": {\"scan.per_package_us\": {\"value\": 1}}}".utf8).write(
            to: bad)
        for (file, expected) in [
            (bad.path, "key 'units.scan.per_package_us': unknown unit"),
            (scratch.appendingPathComponent("nope.json").path, "cost profile not found"),
        ] {
            let (result, folder) = try run("smoke", ["--cost-profile", "cpython", "--set", "cost_file=\(file)"])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(
                result.stderr.hasPrefix("simulate: \(file): ") || result.stderr.hasPrefix("simulate: \(file)"),
                result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
        }
    }

    func testCalibrateWritesAProfileThatARunCites() throws {
        let profile = scratch.appendingPathComponent("calibrated.json")
        let calibrate = try SimulateBinary.run(
            [
                "calibrate", "--python", "python3", "--packages", "20,40", "--repeats", "1",
                "--lines", "200", "--iterations", "20", "--output", profile.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path,
            ], in: SimulateBinary.repository)
        if calibrate.status == 2 && calibrate.stderr.contains("not found on PATH") { throw XCTSkip("no python3 here") }
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        XCTAssertTrue(calibrate.stdout.contains("Cost profile `cpython-calibrated` written to"), calibrate.stdout)
        XCTAssertTrue(calibrate.stdout.contains("| scan.per_distribution_us |"), calibrate.stdout)
        XCTAssertTrue(calibrate.stdout.contains("Fit `entry_points() warm`"), calibrate.stdout)
        let json = try SimulateBinary.json(profile)
        let units = try XCTUnwrap(json["units"] as? [String: Any])
        XCTAssertEqual(
            Set(units.keys),
            [
                "scan.fixed_us", "scan.per_distribution_us", "scan.cold_fixed_us", "scan.cold_per_distribution_us",
                "scan.per_path_entry_us", "scan.per_missing_path_entry_us", "scan.per_listed_entry_us",
                "scan.per_listed_distribution_us", "scan.per_entry_point_us", "scan.first_call_us",
                "catalog.line_sync_us", "catalog.line_thread_hop_us", "catalog.line_thread_hop_wait_us",
                "sqlite.statement_us", "json.state_us",
            ])
        let calibration = try XCTUnwrap(json["calibration"] as? [String: Any])
        XCTAssertNotNil(calibration["interpreter"] as? String)
        XCTAssertNotNil(calibration["date"] as? String)

        let (result, folder) = try run("smoke", ["--cost-profile", "cpython", "--set", "cost_file=\(profile.path)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Cost profile `cpython-calibrated` (`"), report)
        XCTAssertTrue(report.contains("- Interpreter: "), report)
        XCTAssertTrue(report.contains("| sqlite.statement_us |"), report)
    }

    func testCalibrateRejectsBadInputInOneLine() throws {
        for arguments in [
            ["--packages", "10"], ["--packages", "10,x"], ["--repeats", "0"], ["--python", "/no/such/python"],
        ] {
            let result = try SimulateBinary.run(
                ["calibrate", "--cache-dir", scratch.appendingPathComponent("cache").path] + arguments,
                in: SimulateBinary.repository)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }

    func testSeedMicrobenchPrintsTheSeedsLayoutBesideThisMachine() throws {
        let (result, _) = try run("seed-microbench", ["--invocations", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = result.stdout
        for fragment in [
            "Benchmark 1: Module Import Time", "Benchmark 2: backends() Method (50 calls) — Total time",
            "Benchmark 3: StateBackend Creation (18 instances)", "**Total overhead**", "| 13.44ms |", "| 4.73ms |",
            "96 packages here, 96 in the seed", "| 96 / 96 |", "67 / 67", "### Performance Comparison",
            "prediction of a first `backends()` at 65 distributions", "µs per distribution",
            "### Why the columns differ",
        ] {
            XCTAssertTrue(out.contains(fragment), "missing: \(fragment)\n\(out)")
        }
    }

    func testBenchCachePrintsHitMissAndInvalidationForAllThree() throws {
        let result = try SimulateBinary.run([
            "bench-cache", "--packages", "20,60", "--hit-repeats", "2", "--repeats", "1",
            "--settle-ms", "25", "--work-dir", scratch.appendingPathComponent("bench").path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| 20 |") || $0.hasPrefix("| 60 |") }
        XCTAssertEqual(rows.count, 6, result.stdout)
        for strategy in ["persistent", "persistent-strict", "stevedore"] {
            XCTAssertEqual(rows.filter { $0.contains("| \(strategy) |") }.count, 2, strategy)
        }
        XCTAssertTrue(result.stdout.contains("(goal ≥ 20×)"), result.stdout)
        let bad = try SimulateBinary.run(["bench-cache", "--packages", "0"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }
}
