import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `compare`, `sweep` and the exports on real runs of the binary.
final class AnalysisCommandsTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }
    var cache: [String] { ["--cache-dir", scratch.appendingPathComponent("cache").path] }

    func runSmoke(_ name: String, _ flags: [String] = []) throws -> URL {
        let folder = scratch.appendingPathComponent(name)
        let r = try SimulateBinary.run(["--scenario", smoke, "--output", folder.path] + cache + flags)
        XCTAssertEqual(r.status, 0, r.stderr)
        return folder
    }

    func testCompareExitCodesAndRefusal() throws {
        let a = try runSmoke("a", ["--invocations", "6"])
        let b = try runSmoke("b", ["--invocations", "6", "--packages", "30"])
        let same = try SimulateBinary.run(["compare", a.path, a.path])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stdout.contains("**equal**"), same.stdout)
        XCTAssertTrue(same.stdout.contains("| meltano-3.7.9 |"))

        let refused = try SimulateBinary.run(["compare", a.path, b.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("knob 'packages' differs (20 vs 30)"), refused.stderr)

        let forced = try SimulateBinary.run(["compare", a.path, b.path, "--force"])
        XCTAssertTrue([0, 4, 5].contains(forced.status))
        XCTAssertTrue(forced.stdout.contains("| variant | old min | new min |"), forced.stdout)

        let notSummary = try SimulateBinary.run(["compare", a.appendingPathComponent("REPORT.md").path, a.path])
        XCTAssertEqual(notSummary.status, 2)
    }

    /// `compare` as a CI gate: it never passes what it cannot compare, and its statuses say which is which.
    func testCompareRefusesIncompleteOrMismatchedRunsAndBadThresholds() throws {
        let a = try runSmoke("a", ["--invocations", "6"])
        let summary = a.appendingPathComponent("summary.json")
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as! [String: Any]
        func variant(_ edit: (inout [String: Any]) -> Void) throws -> URL {
            var copy = original
            edit(&copy)
            let url = scratch.appendingPathComponent("edited-\(UUID().uuidString).json")
            try JSONSerialization.data(withJSONObject: copy).write(to: url)
            return url
        }
        let incomplete = try variant { $0["complete"] = false }
        let r1 = try SimulateBinary.run(["compare", summary.path, incomplete.path])
        XCTAssertEqual(r1.status, 2, r1.stdout)
        XCTAssertTrue(r1.stderr.contains("the later run is INCOMPLETE"), r1.stderr)
        let fewer = try variant { $0["variants"] = Array(($0["variants"] as! [Any]).prefix(2)) }
        let r2 = try SimulateBinary.run(["compare", summary.path, fewer.path])
        XCTAssertEqual(r2.status, 2, r2.stdout)
        XCTAssertTrue(r2.stderr.contains("the variants differ"), r2.stderr)
        for bad in ["nan", "inf", "1e9", "-5", "x"] {
            let r = try SimulateBinary.run(["compare", summary.path, summary.path, "--threshold", bad])
            XCTAssertEqual(r.status, 2, "\(bad): \(r.stderr)")
            XCTAssertEqual(
                r.stderr, "simulate: command line (--threshold): expected a percentage from 0 to 100, got '\(bad)'\n")
        }
        // Every invocation of every non-baseline variant 10 s slower: a regression, exit 5.
        let slower = try variant { summary in
            var variants = summary["variants"] as! [[String: Any]]
            for i in variants.indices where i > 0 {
                variants[i]["simulated_seconds"] = (variants[i]["simulated_seconds"] as! [Double]).map { $0 + 10 }
            }
            summary["variants"] = variants
        }
        let r3 = try SimulateBinary.run(["compare", summary.path, slower.path])
        XCTAssertEqual(r3.status, 5, r3.stdout + r3.stderr)
        let r4 = try SimulateBinary.run(["compare", slower.path, summary.path])
        XCTAssertEqual(r4.status, 4, r4.stdout + r4.stderr)
        // Version 1 (whole lists, no moments) still compares; a version from the future does not.
        let version1 = try variant { summary in
            summary["schema_version"] = 1
            summary["variants"] = (summary["variants"] as! [[String: Any]]).map { v in
                var v = v
                v["simulated_seconds_moments"] = nil
                return v
            }
        }
        let r5 = try SimulateBinary.run(["compare", version1.path, summary.path])
        XCTAssertEqual(r5.status, 0, r5.stdout + r5.stderr)
        // Version 2 (every knob's value as text) still compares, with the same knobs.
        let version2 = try variant { summary in
            summary["schema_version"] = 2
            var scenario = summary["scenario"] as! [String: Any]
            scenario["knobs"] = (scenario["knobs"] as! [[String: Any]]).map { knob in
                var knob = knob
                switch knob["value"] {
                case let list as [String]: knob["value"] = list.joined(separator: ",")
                case let value?: knob["value"] = "\(value)"
                case nil: break
                }
                return knob
            }
            summary["scenario"] = scenario
        }
        let r7 = try SimulateBinary.run(["compare", version2.path, summary.path])
        XCTAssertEqual(r7.status, 0, r7.stdout + r7.stderr)
        // The same variant name measured from another release's behaviour is not the same variant.
        let reprofiled = try variant { summary in
            var variants = summary["variants"] as! [[String: Any]]
            variants[1]["profile_fingerprint"] = "strategy=uncached; catalog=thread-hop"
            variants[1]["profile_provenance"] = "probed from Meltano 9.9.9 on Python 3.11.7, 2026-12-06"
            summary["variants"] = variants
        }
        let r8 = try SimulateBinary.run(["compare", summary.path, reprofiled.path])
        XCTAssertEqual(r8.status, 2, r8.stdout)
        XCTAssertTrue(r8.stderr.contains("release profiles differ for "), r8.stderr)
        XCTAssertTrue(r8.stderr.contains("probed from Meltano 9.9.9"), r8.stderr)
        let future = try variant { $0["schema_version"] = 5 }
        let r6 = try SimulateBinary.run(["compare", summary.path, future.path])
        XCTAssertEqual(r6.status, 2, r6.stdout)
        XCTAssertTrue(r6.stderr.contains("schema_version 5, expected 1 to 4"), r6.stderr)
    }

    func testExportsAndChartAreWritten() throws {
        let csv = scratch.appendingPathComponent("out.csv")
        let md = scratch.appendingPathComponent("out.md")
        let folder = try runSmoke("run", ["--export-csv", csv.path, "--export-markdown", md.path])
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(rows[0].hasPrefix("variant,phase,provenance"))
        XCTAssertEqual(rows.count, 1 + 4 * 14, "4 variants × (8 simulated + 6 assumed phases)")
        XCTAssertEqual(
            try String(contentsOf: md, encoding: .utf8),
            try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8))
        let svg = try String(contentsOf: folder.appendingPathComponent("chart.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<text x=\"142.0\"").count - 1, 4, "one labelled bar per variant")
        XCTAssertTrue(svg.contains("catalog-write"))
        XCTAssertNotNil(try XMLDocument(data: Data(svg.utf8)), "well-formed XML")
    }

    func testSweepRunsEveryCellAndDrawsOneLinePerValueOfTheSecondKnob() throws {
        let folder = scratch.appendingPathComponent("sweep")
        let r = try SimulateBinary.run(
            [
                "sweep", "--scenario", smoke, "--output", folder.path, "--packages", "10,30",
                "--set", "error_rate=0:0.4:0.2", "--invocations", "2",
            ] + cache)
        XCTAssertEqual(r.status, 0, r.stderr)
        let markdown = try String(contentsOf: folder.appendingPathComponent("SWEEP.md"), encoding: .utf8)
        for cell in 1...6 { XCTAssertTrue(markdown.contains("cell-0\(cell)/REPORT.md"), "cell \(cell)") }
        XCTAssertTrue(markdown.contains("| 30 | 0.4 |"), markdown)
        let svg = try String(contentsOf: folder.appendingPathComponent("sweep.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3, "error_rate 0, 0.2, 0.4")
        XCTAssertNotNil(try XMLDocument(data: Data(svg.utf8)))
    }

    func testSweepWithABadValueWritesNothing() throws {
        let folder = scratch.appendingPathComponent("bad-sweep")
        let r = try SimulateBinary.run(
            ["sweep", "--scenario", smoke, "--output", folder.path, "--error-rate", "0,1.5"] + cache)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("key 'error_rate'"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }
}
