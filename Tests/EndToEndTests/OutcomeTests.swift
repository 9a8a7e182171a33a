import Foundation
import Storage
import XCTest

/// A run is INCOMPLETE (exit 3, the headline and `summary.json`'s `outcome` say why) whenever an
/// invocation was lost or failed by an infrastructure fault, the integrity check failed or locks
/// were left; and time spent waiting for another process's database lock is reported apart, never
/// charged to a variant's phase.
final class OutcomeTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    func arguments(_ folder: URL, _ flags: [String]) -> [String] {
        ["--scenario", smoke, "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path]
            + flags
    }

    func outcome(_ summary: [String: Any]) throws -> [String: Any] {
        try XCTUnwrap(summary["outcome"] as? [String: Any], "summary.json has no outcome")
    }

    func reasons(_ summary: [String: Any]) throws -> [String: Int] {
        let items = try XCTUnwrap(try outcome(summary)["reasons"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: items.map { ($0["reason"] as? String ?? "", $0["count"] as? Int ?? -1) })
    }

    /// Every state call fails: no invocation completes its pipeline. Before, this exited 0 with a
    /// headline estimate made of the failed invocations' partial times.
    func testRunWhoseInvocationsAllFailOnHTTPIsIncompleteWithNoEstimate() throws {
        let folder = scratch.appendingPathComponent("http")
        let result = try SimulateBinary.run(
            arguments(
                folder,
                [
                    "--set", "state_backend=http", "--set", "http.state.error_rate=1", "--set", "http.max_retries=0",
                    "--set", "http.backoff_ms=1",
                ]), timeout: 120)
        XCTAssertEqual(result.status, 3, result.stderr)
        let planned = 4 * 3
        XCTAssertTrue(
            result.stdout.hasPrefix(
                "INCOMPLETE: \(planned) of \(planned) invocations failed (an HTTP call gave up). "
                    + "No invocation completed, so there is no estimate."), result.stdout)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, false)
        XCTAssertEqual(try outcome(summary)["status"] as? String, "incomplete")
        XCTAssertEqual(try outcome(summary)["completed_invocations"] as? Int, 0)
        XCTAssertEqual(try outcome(summary)["planned_invocations"] as? Int, planned)
        XCTAssertEqual(try reasons(summary)["http_failed_invocations"], planned)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        XCTAssertTrue(variants.allSatisfy { ($0["simulated_seconds"] as? [Double])?.isEmpty == true })
        XCTAssertTrue(variants.allSatisfy { $0["regression_minutes"] == nil }, "no estimate from failed invocations")
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        let lines = report.split(separator: "\n")
        XCTAssertTrue(lines.dropFirst().first?.hasPrefix("INCOMPLETE: ") == true, report)
        // `compare` still refuses an incomplete run, and says why.
        let compare = try SimulateBinary.run(["compare", folder.path, folder.path])
        XCTAssertEqual(compare.status, 2, compare.stderr)
        XCTAssertTrue(
            compare.stderr.contains("INCOMPLETE (\(planned) of \(planned) invocations failed"), compare.stderr)
        // A summary written before `outcome` existed said `complete: true` for such a run: `compare`
        // reads its counts instead of trusting that.
        var older = summary
        older["outcome"] = nil
        older["complete"] = true
        let olderFile = scratch.appendingPathComponent("older-summary.json")
        try JSONSerialization.data(withJSONObject: older).write(to: olderFile)
        let legacy = try SimulateBinary.run(["compare", olderFile.path, olderFile.path])
        XCTAssertEqual(legacy.status, 2, legacy.stdout + legacy.stderr)
        XCTAssertTrue(legacy.stderr.contains("the earlier run is INCOMPLETE"), legacy.stderr)
    }

    /// The scenario's own error paths are the workload: every invocation failing by design
    /// (`on_error: fail`) is a complete run with an estimate.
    func testModelledErrorPathsAreTheWorkloadNotAnIncompleteRun() throws {
        let folder = scratch.appendingPathComponent("by-design")
        let result = try SimulateBinary.run(
            arguments(folder, ["--error-rate", "1", "--set", "on_error=fail"]), timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("Regression against meltano-3.6.0"), result.stdout)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(try outcome(summary)["status"] as? String, "complete")
        XCTAssertEqual(try outcome(summary)["completed_invocations"] as? Int, 12)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.reduce(0) { $0 + ($1["failed"] as? Int ?? 0) }, 12)
    }

    /// `fit` does not bisect on an incomplete step's estimate: it stops and says why.
    func testFitStopsAtAnIncompleteStep() throws {
        let result = try SimulateBinary.run(
            [
                "fit", "--scenario", smoke, "--observed", "1m", "--knob", "packages", "--output",
                scratch.appendingPathComponent("fit").path, "--cache-dir", scratch.appendingPathComponent("cache").path,
                "--set", "state_backend=http", "--set", "http.state.error_rate=1", "--set", "http.max_retries=0",
            ], timeout: 120)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "simulate: fit step 1 is INCOMPLETE (6 of 6 invocations failed (an HTTP call gave up)"),
            result.stderr)
    }

    /// A 20-invocation run whose system database another connection holds under `BEGIN EXCLUSIVE`
    /// for `forSeconds` once two invocations finished; returns the ended run.
    func runHoldingTheDatabase(_ folder: URL, busyTimeoutSeconds: Int, forSeconds: Double) throws -> Process {
        let process = try SimulateBinary.startRun(
            arguments(folder, ["--invocations", "20", "--set", "busy_timeout_seconds=\(busyTimeoutSeconds)"]),
            events: folder.appendingPathComponent("events.jsonl"), afterFinished: 2)
        let blocker = try SQLiteConnection(path: folder.appendingPathComponent("work/system.db").path)
        _ = try blocker.execute("BEGIN EXCLUSIVE")
        Thread.sleep(forTimeInterval: forSeconds)
        _ = try blocker.execute("COMMIT")
        blocker.close()
        process.waitUntilExit()
        return process
    }

    /// Another process holds the system database past `busy_timeout_seconds`: the invocations that
    /// wait fail with a clear reason, none is lost, the run is INCOMPLETE.
    func testLockHeldPastTheBusyTimeoutFailsInvocationsAndTheRunIsIncomplete() throws {
        let folder = scratch.appendingPathComponent("held")
        let process = try runHoldingTheDatabase(folder, busyTimeoutSeconds: 1, forSeconds: 4)
        XCTAssertEqual(process.terminationStatus, 3)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let failures = try XCTUnwrap(summary["failures"] as? [String: Any])
        XCTAssertEqual(failures["lost_invocations"] as? Int, 0, "no invocation disappears")
        let locked = try XCTUnwrap(failures["database_locked_invocations"] as? Int)
        XCTAssertGreaterThan(locked, 0)
        XCTAssertEqual(try reasons(summary)["database_locked_invocations"], locked)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        for v in variants {
            let planned = v["planned"] as? Int ?? -1
            XCTAssertEqual((v["succeeded"] as? Int ?? 0) + (v["failed"] as? Int ?? 0), planned, "\(v["name"]!)")
        }
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("failed (the system database stayed locked past busy_timeout_seconds)"), report)
        let events = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8)
        XCTAssertTrue(events.contains("the system database stayed locked by another connection for more than 1"))
    }

    /// A lock held for less than the busy timeout is waited for: the run is complete, the wait is
    /// reported per phase as lock wait, and no phase's time holds it.
    func testLockWaitIsReportedApartAndNotChargedToAPhase() throws {
        let folder = scratch.appendingPathComponent("waited")
        let process = try runHoldingTheDatabase(folder, busyTimeoutSeconds: 20, forSeconds: 4)
        XCTAssertEqual(process.terminationStatus, 0)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, true)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        let phases = variants.flatMap { $0["phases"] as? [[String: Any]] ?? [] }
        let waited = phases.reduce(0.0) { $0 + ($1["lock_wait_seconds"] as? Double ?? 0) }
        XCTAssertGreaterThan(waited, 3, "the blocked workers' waits are reported")
        // The phases that use the database take milliseconds in the smoke scenario; one that held a
        // wait of seconds would show it (a sampled one, state-write, twice over: it is extrapolated).
        let databasePhases: Set<String> = [
            "pre-plugin/bookkeeping", "pre-plugin/state-lookup", "extraction/state-writes", "state-write/teardown",
        ]
        for phase in phases where databasePhases.contains(phase["phase"] as? String ?? "") {
            let max = (phase["modelled_ms"] as? [String: Any])?["max"] as? Double ?? 0
            XCTAssertLessThan(max, 2000, "\(phase["phase"]!) holds a lock wait: \(max) ms")
        }
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Lock waits"), report)
    }
}
