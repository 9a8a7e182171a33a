import Foundation
import XCTest

/// The real binary on `scenarios/smoke.yaml` with real worker processes.
final class SmokeRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func smoke(_ extra: [String] = [], output: String = "run") throws -> (SimulateBinary.Output, URL) {
        let folder = scratch.appendingPathComponent(output)
        let result = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
            ] + extra)
        return (result, folder)
    }

    func testSmokeRunWritesEventsSummaryAndAReportThatOpensWithTheRegression() throws {
        let (result, folder) = try smoke()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Report: \(folder.path)/REPORT.md"), result.stdout)

        let lines = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)), "not JSON: \(line)")
        }
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["schema_version"] as? Int, 4)
        XCTAssertEqual(summary["complete"] as? Bool, true)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        XCTAssertEqual(
            variants.map { $0["name"] as? String }, ["meltano-3.6.0", "meltano-3.7.9", "seed-3.7.9", "persistent"])
        for v in variants { XCTAssertEqual(v["succeeded"] as? Int, 3, "\(v["name"] ?? "")") }
        let integrity = try XCTUnwrap(summary["integrity"] as? [String: Any])
        XCTAssertEqual(integrity["ok"] as? Bool, true, "\(integrity)")
        XCTAssertEqual(integrity["runs_rows"] as? Int, 12)
        XCTAssertEqual(integrity["lost_updates"] as? Int, 0)

        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        // The title, then the headline: every variant against the baseline.
        let reportLines = report.split(separator: "\n")
        XCTAssertEqual(reportLines.first, "# simulate --scenario smoke")
        let headline = try XCTUnwrap(reportLines.dropFirst().first)
        XCTAssertTrue(headline.hasPrefix("Regression against meltano-3.6.0"), String(headline))
        for name in ["meltano-3.7.9", "seed-3.7.9", "persistent"] {
            XCTAssertTrue(headline.contains("\(name) "), "\(name) in \(headline)")
        }
        XCTAssertTrue(report.contains("## Where the regression comes from"))
        XCTAssertTrue(report.contains("<details>"))
        XCTAssertTrue(report.contains("simulate --scenario"))
    }

    func testSameSeedSameErrorDecisionsAndAnotherSeedOthers() throws {
        func decisions(_ seed: String, _ name: String) throws -> Set<String> {
            let (result, folder) = try smoke(
                ["--seed", seed, "--error-rate", "0.5", "--invocations", "6"], output: name)
            XCTAssertEqual(result.status, 0, result.stderr)
            let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
            let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
            var out = Set<String>()
            for v in variants {
                for i in try XCTUnwrap(v["invocations"] as? [[String: Any]]) {
                    out.insert("\(v["name"]!)#\(i["ordinal"]!):\(i["error_paths"]!)")
                }
            }
            return out
        }
        let a = try decisions("11", "a")
        let b = try decisions("11", "b")
        let c = try decisions("12", "c")
        XCTAssertEqual(a.count, 24)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testMalformedFlagValuesExitTwoWithOneLineAndWriteNothing() throws {
        for (flags, key) in [
            (["--error-rate", "1.5"], "error_rate"), (["--packages", "-3"], "packages"),
            (["--workers", "two"], "workers"),
            (["--variants", "meltano-3.6.0,nope"], "variants"), (["--set", "bogus=1"], "bogus"),
        ] {
            let (result, folder) = try smoke(flags, output: "bad-\(key)")
            XCTAssertEqual(result.status, 2, "\(flags): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains("key '\(key)'"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "\(flags) wrote \(folder.path)")
        }
    }

    func testExistingOutputFolderIsRefused() throws {
        let folder = scratch.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (result, _) = try smoke(output: "taken")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("already exists"), result.stderr)
    }
}
