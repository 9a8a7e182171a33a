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
}
