import Foundation
import XCTest

/// `simulate timeline` through the real binary: a Matatika log, a comparison, and bad input.
final class TimelineCommandTests: XCTestCase {
    var logs: URL { SimulateBinary.repository.appendingPathComponent("scenarios/matatika-logs") }
    let ok = "OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
    let slow = "SLOW-f78c1b80-9431-4a29-98d7-439f20cf2833.txt"

    func testMarkdownTableOfAMatatikaLog() throws {
        let r = try SimulateBinary.run(["timeline", logs.appendingPathComponent(ok).path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("9 runs (9 completed) in 608 lines."), r.stdout)
        XCTAssertTrue(
            r.stdout.contains(
                "| run | job | started (UTC) | start s | pre-plugin s | extraction s | target-tail s | load-finalize s | state-write s | total s | records | STATE msgs | state-backend lines | status |"
            ))
        XCTAssertTrue(
            r.stdout.contains(
                "| 1 | dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform | 2026-01-08 13:31:02 | 19.47 | 19.80 | 106.49 | 37.17 | 79.75 | 0.61 | 263.28 | 42305 | 210 | 0 | completed |"
            ), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "| completed |").count - 1, 9)
    }

    func testJSONDocument() throws {
        let r = try SimulateBinary.run([
            "timeline", "--json", logs.appendingPathComponent(ok).path, logs.appendingPathComponent(slow).path,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["schema"] as? String, "simulate-timeline/1")
        let files = try XCTUnwrap(object["logs"] as? [[String: Any]])
        XCTAssertEqual(files.compactMap { ($0["runs"] as? [Any])?.count }, [9, 9])
    }

    func testBaselineAgainstRegressed() throws {
        let r = try SimulateBinary.run([
            "timeline", "--baseline", logs.appendingPathComponent(ok).path,
            "--regressed", logs.appendingPathComponent(slow).path,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stdout.contains("| pre-plugin | 79.43 | 624.11 | +544.68 | +60.52 | +53.40..+74.53 | 9 |"), r.stdout)
        XCTAssertTrue(
            r.stdout.contains("| **total** | 780.43 | 1532.42 | +751.99 | +83.55 | +60.49..+101.63 | 9 |"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("Unmatched runs: none.\n"))
    }

    /// A log's path as typed reached the Markdown and the JSON: an absolute path of the user's machine
    /// in output meant to be pasted. Inside the current folder a log is named relative to it, outside
    /// by `<outside>/` and its file name; stderr keeps the path as given.
    func testDocumentsNameALogRelativeToTheCurrentFolderNeverByAnAbsolutePath() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let here = folder.appendingPathComponent("work/logs")
        let away = folder.appendingPathComponent("private folder")
        for place in [here, away] {
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: logs.appendingPathComponent(ok), to: place.appendingPathComponent("ok.log"))
        }
        let cwd = folder.appendingPathComponent("work")
        let inside = here.appendingPathComponent("ok.log").path
        let outside = away.appendingPathComponent("ok.log").path
        let runs: [(arguments: [String], names: [String])] = [
            (["timeline", inside, outside], ["## logs/ok.log", #"## \<outside\>/ok.log"#]),
            (
                ["timeline", "--baseline", "logs/ok.log", "--regressed", "../private folder/ok.log"],
                ["Baseline: logs/ok.log", #"Regressed: \<outside\>/ok.log"#]
            ),
            (["timeline", "--json", inside, outside], ["\"file\":\"logs/ok.log\"", "\"file\":\"<outside>/ok.log\""]),
            (
                ["timeline", "--json", "--baseline", inside, "--regressed", outside],
                [
                    "\"baseline\":[\"logs/ok.log\"]", "\"regressed\":[\"<outside>/ok.log\"]",
                    "\"log\":\"<outside>/ok.log\"",
                ]
            ),
        ]
        for (arguments, names) in runs {
            let r = try SimulateBinary.run(arguments, in: cwd)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            let compact = r.stdout.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
            for name in names {
                XCTAssertTrue(
                    r.stdout.contains(name) || compact.contains(name.replacingOccurrences(of: " ", with: "")),
                    "\(arguments): \(name) in \(r.stdout.prefix(800))")
            }
            XCTAssertFalse(r.stdout.contains(folder.path), "\(arguments): \(r.stdout.prefix(800))")
            XCTAssertFalse(r.stdout.contains("private"), "\(arguments)")
        }
    }

    func testMissingFileIsOneLineAndExitTwo() throws {
        let missing = logs.appendingPathComponent("no-such.log").path
        let r = try SimulateBinary.run(["timeline", logs.appendingPathComponent(ok).path, missing])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "simulate: \(missing): cannot be read (No such file or directory)\n")
        XCTAssertEqual(r.stdout, "")
    }

    func testLogWithoutAMeltanoProcessIsOneLineAndExitTwo() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.log")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let r = try SimulateBinary.run(["timeline", empty.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "simulate: \(empty.path): empty file: no Meltano process in it\n")
        let usage = try SimulateBinary.run(["timeline", "--baseline", empty.path])
        XCTAssertEqual(usage.status, 2)
        XCTAssertEqual(usage.stderr.split(separator: "\n").count, 1, usage.stderr)
    }

    /// Past five, partial runs are counted on stderr in one line, not named one by one.
    func testManyPartialRunsFoldIntoOneLine() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("starts.log")
        try String(repeating: "2026-01-08T10:30:49.218025Z [info     ] Environment 'dev' is active\n", count: 8)
            .write(to: log, atomically: true, encoding: .utf8)
        let r = try SimulateBinary.run(["timeline", log.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 6, r.stderr)
        XCTAssertTrue(
            lines[4].hasSuffix("run 5 is partial: a new process began at line 6 before `Block run completed.`"))
        XCTAssertEqual(
            lines[5], "simulate: \(log.path): 3 more partial runs (the timeline's notes say why, run by run)")
        XCTAssertTrue(r.stdout.contains("run 8: partial"), r.stdout)
    }

    func testPartialRunIsWarnedOnStderr() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOf: logs.appendingPathComponent(ok), encoding: .utf8)
        let cut = folder.appendingPathComponent("cut.log")
        try text.split(separator: "\n", omittingEmptySubsequences: false).prefix(100).joined(separator: "\n")
            .write(to: cut, atomically: true, encoding: .utf8)
        let r = try SimulateBinary.run(["timeline", cut.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            r.stderr,
            "simulate: \(cut.path):12: run 1 is partial: the file ends at line 100 before `Block run completed.`\n")
        XCTAssertTrue(r.stdout.contains("| partial |"), r.stdout)
        XCTAssertTrue(
            r.stdout.contains(
                "- run 1: state-write unknown: no `Incremental state has been updated` line after a line from the target"
            ), r.stdout)
    }
}

/// A run whose scenario names production logs: the report compares phase by phase; a bad log is
/// bad input before anything is written.
final class ObservedLogsRunTests: XCTestCase {
    var logs: URL { SimulateBinary.repository.appendingPathComponent("scenarios/matatika-logs") }
    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    func testReportComparesWithProductionPhaseByPhase() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try SimulateBinary.run([
            "--scenario", smoke, "--output", folder.appendingPathComponent("run").path,
            "--set",
            "observed.baseline_logs=" + logs.appendingPathComponent("OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt").path,
            "--set",
            "observed.regressed_logs="
                + logs.appendingPathComponent("SLOW-f78c1b80-9431-4a29-98d7-439f20cf2833.txt").path,
            "--set", "observed.regressed_variant=meltano-3.7.9",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try String(contentsOf: folder.appendingPathComponent("run/REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Observed in production, phase by phase"), report)
        XCTAssertTrue(
            report.contains("| pre-plugin | settings, bookkeeping, state-lookup, catalog-write, other (assumed) |"))
        // Over the smoke scenario's 3 production runs: 60.52 s per run → +3.03 min in pre-plugin.
        XCTAssertTrue(report.contains("+3.03"), report)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("run/summary.json"))
        let observed = try XCTUnwrap(summary["observed"] as? [String: Any])
        XCTAssertEqual((observed["rows"] as? [Any])?.count, 6)
    }

    func testAMissingLogIsBadInputAndNothingIsWritten() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try SimulateBinary.run([
            "--scenario", smoke, "--output", folder.appendingPathComponent("run").path,
            "--set", "observed.baseline_logs=nowhere.log", "--set", "observed.regressed_logs=nowhere-either.log",
        ])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(
            r.stderr.hasPrefix(
                "simulate: command line (--set): key 'observed.baseline_logs': nowhere.log: cannot be read"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }
}
