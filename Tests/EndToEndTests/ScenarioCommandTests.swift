import Foundation
import TestSupport
import XCTest

/// `simulate scenario --from-logs` through the real binary: the Matatika logs, and bad logs (one
/// line naming the file and the line, exit 2, no output file).
final class ScenarioCommandTests: XCTestCase {
    var logs: URL { SimulateBinary.repository.appendingPathComponent("scenarios/matatika-logs") }
    let ok = "OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
    let slow = "SLOW-f78c1b80-9431-4a29-98d7-439f20cf2833.txt"

    func log(_ name: String) -> String { logs.appendingPathComponent(name).path }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: log(name), encoding: .utf8).components(separatedBy: "\n")
    }

    /// Runs the command in `folder` writing `out.yaml` there.
    func scenario(_ arguments: [String], in folder: TemporaryDirectory) throws -> SimulateBinary.Output {
        try SimulateBinary.run(
            ["scenario"] + arguments + ["--output", folder.file("out.yaml")], in: SimulateBinary.repository)
    }

    func assertBadInput(
        _ r: SimulateBinary.Output, _ folder: TemporaryDirectory, mentions: [String], line: UInt = #line
    ) {
        XCTAssertEqual(r.status, 2, r.stderr, line: line)
        let printed = r.stderr.split(separator: "\n")
        XCTAssertEqual(printed.count, 1, r.stderr, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("simulate: error: "), r.stderr, line: line)
        for text in mentions { XCTAssertTrue(r.stderr.contains(text), "\(text) not in \(r.stderr)", line: line) }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        XCTAssertEqual(left.filter { !$0.hasSuffix(".log") }, [], line: line)
    }

    func testMatatikaLogsGiveAScenarioWithAJobsList() throws {
        let folder = TemporaryDirectory()
        let r = try scenario(
            [
                "--from-logs", log(ok), "--regressed", log(slow), "--baseline-release", "meltano-3.6.0",
                "--regressed-release", "meltano-3.7.9",
            ], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 jobs, 9 runs in 13 min"), r.stdout)
        let text = try String(contentsOfFile: folder.file("out.yaml"), encoding: .utf8)
        XCTAssertTrue(text.contains("\njobs:\n  - name: \"dev:mysql-bigdb_prd9_ci_leadplatform"), text)
        XCTAssertTrue(text.contains("  period: \"13 min (2026-01-08 13:"), text)
        XCTAssertTrue(text.contains("(246 − 6.7 µs per line"), text)
        XCTAssertEqual(text.components(separatedBy: "      pre_plugin_seconds: ").count - 1, 9)
    }

    /// The file written loads and runs: the fitted catalog sizes give back production's pre-plugin change.
    func testTheScenarioWrittenRuns() throws {
        let folder = TemporaryDirectory()
        let made = try scenario(
            [
                "--from-logs", log(ok), "--regressed", log(slow), "--baseline-release", "meltano-3.6.0",
                "--regressed-release", "meltano-3.7.9",
            ], in: folder)
        XCTAssertEqual(made.status, 0, made.stderr)
        let r = try SimulateBinary.run(
            [
                "--scenario", folder.file("out.yaml"), "--set", "invocations=9", "--cost-profile", "native",
                "--output", folder.file("run"),
            ], in: SimulateBinary.repository)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("over the 9-run production workload of 13 min"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Production's logs changed +12.53 min over 9 paired runs"), r.stdout)
        let report = try String(contentsOfFile: folder.file("run/REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("bigdb_prd9_ci_leadplatform"), "the report's Jobs section names the jobs")
    }

    func testWithoutAReleaseItAsksForTheFlag() throws {
        let folder = TemporaryDirectory()
        let r = try scenario(["--from-logs", log(ok)], in: folder)
        assertBadInput(r, folder, mentions: ["--baseline-release"])
    }

    func testALogWithoutACompleteRun() throws {
        let folder = TemporaryDirectory()
        let cut = try folder.write("cut.log", lines(ok).prefix(40).joined(separator: "\n"))
        let r = try scenario(["--from-logs", cut.path, "--baseline-release", "meltano-3.6.0"], in: folder)
        assertBadInput(r, folder, mentions: ["cut.log:12: no complete", "is partial"])
    }

    func testAJobInOnlyOneSet() throws {
        let folder = TemporaryDirectory()
        let all = try lines(slow)
        let end = try XCTUnwrap(all.firstIndex { $0.contains("Block run completed") })
        let one = try folder.write("one.log", all.prefix(end + 1).joined(separator: "\n") + "\n")
        let r = try scenario(
            [
                "--from-logs", log(ok), "--regressed", one.path, "--baseline-release", "meltano-3.6.0",
                "--regressed-release", "meltano-3.7.9",
            ], in: folder)
        assertBadInput(r, folder, mentions: ["\(ok):", "bigdb_prd9_sugarcrm", "none complete in the regressed logs"])
    }

    func testAReleaseChangeInsideOneSet() throws {
        let folder = TemporaryDirectory()
        let fixtures = SimulateBinary.repository.appendingPathComponent("Tests/LogsTests/Fixtures/real-meltano")
        let r = try scenario(
            [
                "--from-logs", fixtures.appendingPathComponent("meltano-3.6.0-debug-1.log").path,
                fixtures.appendingPathComponent("meltano-3.7.9-debug-1.log").path,
            ], in: folder)
        assertBadInput(r, folder, mentions: ["meltano-3.7.9-debug-1.log:", "the release changes"])
    }

    func testPartialRunsAreSkippedAndSaid() throws {
        let folder = TemporaryDirectory()
        let all = try lines(ok)
        let end = try XCTUnwrap(all.lastIndex { $0.contains("Block run completed") })
        let cut = try folder.write("cut.log", all.prefix(end).joined(separator: "\n") + "\n")
        let r = try scenario(["--from-logs", cut.path, "--baseline-release", "meltano-3.6.0"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("cut.log: skipped 1 of 9 runs (1 partial)"), r.stderr)
        XCTAssertTrue(r.stdout.contains("8 jobs, 8 runs"), r.stdout)
    }

    func testAnUnknownReleaseIsBadInput() throws {
        let folder = TemporaryDirectory()
        let r = try scenario(["--from-logs", log(ok), "--baseline-release", "meltano-9"], in: folder)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(
            r.stderr.hasPrefix("simulate: command line (--baseline-release): unknown variant 'meltano-9'"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("out.yaml")))
    }

    func testABadSetIsBadInput() throws {
        let folder = TemporaryDirectory()
        let r = try scenario(
            ["--from-logs", log(ok), "--baseline-release", "meltano-3.6.0", "--set", "error_rate=2"], in: folder)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("error_rate"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("out.yaml")))
    }

    // Hostile inputs (issue 21, N07 and N12-N18 of scripts/hostile-inputs): whatever the command
    // writes loads; what the loader would refuse is never written.

    /// The binary loads `path` as a scenario: a run into an existing folder is refused for
    /// `--output`, which is checked only once the scenario has loaded.
    func assertLoads(_ path: String, line: UInt = #line) throws {
        let existing = TemporaryDirectory()
        let r = try SimulateBinary.run(["--scenario", path, "--output", existing.path, "--invocations", "1"])
        XCTAssertEqual(r.status, 2, r.stderr, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("simulate: --output"), "the scenario does not load: \(r.stderr)", line: line)
    }

    func written(_ folder: TemporaryDirectory) throws -> String {
        try String(contentsOfFile: folder.file("out.yaml"), encoding: .utf8)
    }

    func testTheSameLogTwiceOnOneSideIsRefused() throws {
        let folder = TemporaryDirectory()
        let other = "./scenarios/matatika-logs/\(ok)"
        for (given, said) in [
            ([log(ok), log(ok)], "\(log(ok)) is given twice"),
            ([log(ok), other], "\(other) is the same file as \(log(ok))"),
        ] {
            let r = try scenario(["--from-logs"] + given + ["--baseline-release", "meltano-3.6.0"], in: folder)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(
                r.stderr,
                "simulate: command line (--from-logs): \(said); give each log once (its runs would count twice)\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("out.yaml")))
        }
    }

    func testAJobNameWithControlCharactersIsWrittenEscapedAndLoads() throws {
        let folder = TemporaryDirectory()
        let name = "dev:tap-x-to-target-y:x\u{7F}y\u{85}z\u{9B}1m\u{202E}w"
        let logs = try folder.write("controls.log", SyntheticMeltanoLog.text(jobs: [name, "dev:tap-x-to-target-y"]))
        let r = try scenario(["--from-logs", logs.path, "--baseline-release", "meltano-4.1"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try written(folder)
        XCTAssertTrue(text.contains(#"- name: "dev:tap-x-to-target-y:x\x7Fy\x85z\x9B1m\u202Ew""#), text)
        try assertLoads(folder.file("out.yaml"))
    }

    func testALogFileNameWithALineBreakStaysInTheHeaderComment() throws {
        for name in ["a\ninjected_key: 1\nb.log", "a\rinjected_key: 1\rb.log", "a\u{2028}injected_key: 1\u{85}b.log"] {
            let folder = TemporaryDirectory()
            let logs = try folder.write(name, SyntheticMeltanoLog.text(jobs: ["dev:tap-x-to-target-y"]))
            let r = try scenario(["--from-logs", logs.path, "--baseline-release", "meltano-4.1"], in: folder)
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try written(folder).split(whereSeparator: \.isNewline)
            XCTAssertFalse(lines.contains { $0.hasPrefix("injected_key") }, lines.joined(separator: "\n"))
            try assertLoads(folder.file("out.yaml"))
        }
    }

    func testRunsMilleniaApartGiveAPauseWithinItsBound() throws {
        let folder = TemporaryDirectory()
        var second = 0
        let job = "dev:tap-x-to-target-y"
        let runs =
            SyntheticMeltanoLog.run(job: job, index: 0, year: 1, second: &second)
            + SyntheticMeltanoLog.run(job: job, index: 1, year: 9999, second: &second)
        let logs = try folder.write("years.log", runs.joined(separator: "\n") + "\n")
        let r = try scenario(["--from-logs", logs.path, "--baseline-release", "meltano-4.1"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stderr.contains("production.gap_seconds: the median pause between runs in the baseline logs is "),
            r.stderr)
        XCTAssertTrue(r.stderr.contains("from the run at \(logs.path):1 to the run at \(logs.path):9"), r.stderr)
        XCTAssertTrue(try written(folder).contains("\n  gap_seconds: 86400  # the logs' median, "))
        try assertLoads(folder.file("out.yaml"))
    }

    /// A fleet of 5,000 jobs is a workload the loader reads (docs/usage.md, its limits).
    func testFiveThousandJobsGiveAScenarioThatLoads() throws {
        let folder = TemporaryDirectory()
        let jobs = (0..<5_000).map { "dev:tap-x-to-target-y:\($0)" }
        let logs = try folder.write("fleet.log", SyntheticMeltanoLog.text(jobs: jobs))
        let r = try scenario(["--from-logs", logs.path, "--baseline-release", "meltano-4.1"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("5000 jobs, 5000 runs"), r.stdout)
        try assertLoads(folder.file("out.yaml"))
    }

    /// What the loader would refuse (here a `--name` that is no plain name) is never written.
    func testAScenarioTheLoaderRefusesIsNotWritten() throws {
        let folder = TemporaryDirectory()
        let r = try scenario(
            ["--from-logs", log(ok), "--baseline-release", "meltano-3.6.0", "--name", "two words"], in: folder)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("simulate: \(folder.file("out.yaml")):"), r.stderr)
        XCTAssertTrue(r.stderr.contains("key 'name': 'two words' is not a plain name"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("; not written: the scenario made from the logs would not load\n"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
