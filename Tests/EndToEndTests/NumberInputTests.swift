import Foundation
import XCTest

/// Numbers from flags and from `summary.json`, and the size of a sweep's grid, through the real
/// binary: each is bad input (exit 2, one line naming the flag or the file and field, nothing
/// written), never a trap, a false success or a grid that runs out of memory.
final class NumberInputTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }
    var cache: [String] { ["--cache-dir", scratch.appendingPathComponent("cache").path] }

    /// Runs `arguments` with an output folder, expects bad input, and that the folder was never made.
    func expectBadInput(
        _ arguments: [String], mentioning expected: String, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let folder = scratch.appendingPathComponent("out-\(UUID().uuidString)")
        let r = try SimulateBinary.run(arguments + ["--output", folder.path] + cache, timeout: 60)
        XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "\(arguments)", file: file, line: line)
    }

    /// A range spanning more values than an `Int` holds (or infinitely many) trapped the binary.
    func testSweepRangesBeyondAnIntAreBadInputNotATrap() throws {
        for range in ["0:1e20:1", "0:1e308:1e-308", "-1e308:1e308:1"] {
            try expectBadInput(
                ["sweep", "--scenario", smoke, "--error-rate", range],
                mentioning: "command line (--error-rate): key 'error_rate': range '\(range)' has over 1,000 values")
        }
        // One value too large for an Int: read as a number, refused by the key's own range.
        try expectBadInput(
            ["sweep", "--scenario", smoke, "--packages", "10,20", "--error-rate", "1e20:1e20:1"],
            mentioning: "key 'error_rate'")
    }

    /// A grid of 1,000 × 1,000 in-bound values is refused before any cell is loaded (it took 10 GiB).
    func testASweepGridPastItsBoundIsRefusedBeforeAnythingRuns() throws {
        try expectBadInput(
            ["sweep", "--scenario", smoke, "--packages", "1:1000:1", "--error-rate", "0:0.999:0.001"],
            mentioning:
                "command line (--packages, --error-rate): the sweep grid has 1,000,000 cells (1,000 packages × "
                + "1,000 error_rate), over the limit of 1,000 cells")
        try expectBadInput(
            ["sweep", "--scenario", smoke, "--packages", "10,20,30", "--set", "error_rate=0:0.999:0.001"],
            mentioning: "command line (--packages, --set): the sweep grid has 3,000 cells")
    }

    func testFitTakesOnlyAnObservedNumberOfTheGrammar() throws {
        for observed in ["nan", "inf", "-inf", "nanm", "infs", "0x10", "-0", "-0m", "1e400", "2e9m"] {
            try expectBadInput(
                ["fit", "--scenario", smoke, "--knob", "packages", "--observed", observed],
                mentioning: "command line (--observed): expected minutes like 12.6m or seconds like 756s")
        }
        // A negative change is a value of --observed, not a flag: the command goes on to the next check.
        let negative = try SimulateBinary.run(["fit", "--scenario", smoke, "--knob", "nope", "--observed", "-3m"])
        XCTAssertEqual(negative.status, 2, negative.stderr)
        XCTAssertTrue(negative.stderr.contains("command line (--knob): 'nope'"), negative.stderr)
    }

    /// A phase is fitted against the scenario's logs: a scenario naming none cannot be fitted to one.
    func testFitToAPhaseNeedsTheScenariosLogsEvenWithAnObservedValue() throws {
        try expectBadInput(
            ["fit", "--scenario", smoke, "--knob", "packages", "--observed", "5m", "--observed-phase", "pre-plugin"],
            mentioning: "--observed-phase needs production logs")
    }

    func testCompareThresholdIsAPlainPercentage() throws {
        let summary = try smokeSummary()
        for bad in ["0x10", "-0", "0x1p3", "1_0_", "+5"] {
            let r = try SimulateBinary.run(["compare", summary.path, summary.path, "--threshold", bad])
            XCTAssertEqual(r.status, 2, "\(bad): \(r.stderr)")
            XCTAssertEqual(
                r.stderr, "simulate: command line (--threshold): expected a percentage from 0 to 100, got '\(bad)'\n")
        }
        let r = try SimulateBinary.run(["compare", summary.path, summary.path, "--threshold", "1_0.5"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Every count and statistic of a summary is checked when `compare` reads it.
    func testCompareRefusesASummaryWithANumberNoRunWrites() throws {
        let summary = try smokeSummary()
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("variants[1].simulated_seconds_moments.variance", { edit(&$0, variant: 1) { $0["variance"] = -4.0 } }),
            ("variants[0].simulated_seconds_moments.count", { edit(&$0, variant: 0) { $0["count"] = -6 } }),
            ("variants[1].planned", { edit(&$0, variant: 1, moments: false) { $0["planned"] = -6 } }),
            (
                "variants[2].invocations[0].scans",
                {
                    edit(&$0, variant: 2, moments: false) { v in
                        var invocations = v["invocations"] as! [[String: Any]]
                        invocations[0]["scans"] = -1
                        v["invocations"] = invocations
                    }
                }
            ),
            (
                "variants[1].phases[0].modelled_ms.std_dev",
                {
                    edit(&$0, variant: 1, moments: false) { v in
                        var phases = v["phases"] as! [[String: Any]]
                        var modelled = phases[0]["modelled_ms"] as! [String: Any]
                        modelled["std_dev"] = -1.5
                        phases[0]["modelled_ms"] = modelled
                        v["phases"] = phases
                    }
                }
            ),
        ]
        for (field, change) in cases {
            let edited = try write(summary, change)
            for order in [[summary.path, edited.path], [edited.path, summary.path]] {
                let r = try SimulateBinary.run(["compare"] + order + ["--force"])
                XCTAssertEqual(r.status, 2, "\(field): \(r.stdout)")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
                XCTAssertTrue(r.stderr.contains("\(edited.path): field '\(field)': "), r.stderr)
            }
        }
    }

    /// Whether two runs compare does not depend on their order, nor on one listing no knobs.
    func testCompareRefusesDifferentKnobsInEitherOrder() throws {
        let summary = try smokeSummary()
        let noKnobs = try write(summary) { s in
            var scenario = s["scenario"] as! [String: Any]
            scenario["knobs"] = [Any]()
            s["scenario"] = scenario
        }
        let otherCatalog = try write(summary) { s in
            var scenario = s["scenario"] as! [String: Any]
            scenario["knobs"] = (scenario["knobs"] as! [[String: Any]]).map { knob in
                var knob = knob
                if knob["key"] as? String == "catalog_lines" { knob["value"] = 12_345 }
                return knob
            }
            s["scenario"] = scenario
        }
        for order in [[otherCatalog.path, noKnobs.path], [noKnobs.path, otherCatalog.path]] {
            let r = try SimulateBinary.run(["compare"] + order)
            XCTAssertEqual(r.status, 2, "\(order): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("knob '"), r.stderr)
        }
    }

    func testCompareRefusesEvenWithForceWhenNoVariantIsInCommon() throws {
        let summary = try smokeSummary()
        let renamed = try write(summary) { s in
            s["variants"] = (s["variants"] as! [[String: Any]]).map { v in
                var v = v
                v["name"] = "other-\(v["name"] as! String)"
                return v
            }
        }
        let r = try SimulateBinary.run(["compare", summary.path, renamed.path, "--force"])
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("no variant in common, nothing to compare"), r.stderr)
    }

    /// The counts of `bench*` and `calibrate` were swift-argument-parser's own `Int`s: `0x10` was read
    /// as 16 or a usage error (exit 64, several lines), `-5` taken for a flag, `1e99` a usage error.
    func testBenchAndCalibrateCountsReadTheNumberGrammarWithTheirBounds() throws {
        // Each command's folders point into the test's own, should a count ever be taken and work begin.
        let bench = ["bench", "--measure", "merge", "--cache-dir", scratch.path]
        let benchCache = ["bench-cache", "--work-dir", scratch.path]
        let calibrate = ["calibrate", "--cache-dir", scratch.path, "--output", scratch.path + "/profile.json"]
        let flags: [(command: [String], flag: String, bound: String)] = [
            (bench, "--events", "1 to 100,000,000"),
            (bench, "--runs", "1 to 100,000"),
            (bench, "--packages", "1 to 100,000"),
            (["bench-http"], "--requests", "1 to 1,000,000"),
            (["bench-http"], "--page-records", "0 to 1,000,000"),
            (benchCache, "--hit-repeats", "1 to 10,000"),
            (benchCache, "--settle-ms", "0 to 60,000"),
            (benchCache, "--seed", "0 to \(Int.max.formatted())"),
            (calibrate, "--repeats", "1 to 1,000"),
            (calibrate, "--lines", "1 to 1,000,000"),
            (calibrate, "--seed", "0 to \(Int.max.formatted())"),
        ]
        for (command, flag, bound) in flags {
            for text in ["0x10", "-5", "1e99", "1.5", "-0", "010", "99999999999999999999"] {
                let r = try SimulateBinary.run(command + [flag, text], timeout: 60)
                XCTAssertEqual(r.status, 2, "\(command) \(flag) \(text): \(r.stderr)")
                XCTAssertEqual(
                    r.stderr,
                    "simulate: command line (\(flag)): expected a whole number from \(bound), got '\(text)'\n",
                    "\(command) \(flag) \(text)")
            }
        }
    }

    // MARK: - Summaries

    func smokeSummary() throws -> URL {
        let folder = scratch.appendingPathComponent("run")
        if !FileManager.default.fileExists(atPath: folder.path) {
            let r = try SimulateBinary.run(
                ["--scenario", smoke, "--output", folder.path, "--invocations", "6"] + cache)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return folder.appendingPathComponent("summary.json")
    }

    /// A copy of `summary` changed by `change`, in a file of its own.
    func write(_ summary: URL, _ change: (inout [String: Any]) -> Void) throws -> URL {
        var object = try SimulateBinary.json(summary)
        change(&object)
        let url = scratch.appendingPathComponent("edited-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }
}

/// Changes one variant of a summary object: its moments (`moments`) or the variant itself.
private func edit(
    _ summary: inout [String: Any], variant k: Int, moments: Bool = true, _ change: (inout [String: Any]) -> Void
) {
    var variants = summary["variants"] as! [[String: Any]]
    if moments {
        var m = variants[k]["simulated_seconds_moments"] as! [String: Any]
        change(&m)
        variants[k]["simulated_seconds_moments"] = m
    } else {
        change(&variants[k])
    }
    summary["variants"] = variants
}
