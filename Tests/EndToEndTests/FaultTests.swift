import Foundation
import Storage
import XCTest

/// Faults against the real binary: whatever a worker does, the run ends, every event on disk
/// parses, failures are counted by kind, the report says "incomplete" where it is, no worker
/// outlives the coordinator by more than 2 s, and the exit status tells whether the estimate is complete.
final class FaultTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    struct Outcome {
        let status: Int32
        let events: [[String: Any]]
        let summary: [String: Any]
        let report: String
        let seconds: Double
    }

    func run(fault: String?, _ flags: [String] = []) throws -> Outcome {
        let folder = scratch.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        let started = Date()
        let result = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
            ] + flags,
            environment: fault.map { ["SIMULATE_WORKER_FAULT": $0] } ?? [:], timeout: 120)
        let seconds = Date().timeIntervalSince(started)
        let lines = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8).split(
            separator: "\n")
        let events = try lines.map { line in
            try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "line does not parse: \(line)")
        }
        assertWorkersGone(events)
        return Outcome(
            status: result.status, events: events,
            summary: try SimulateBinary.json(folder.appendingPathComponent("summary.json")),
            report: try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8),
            seconds: seconds)
    }

    /// Every worker pid the run saw is gone (the coordinator has exited; 2 s of grace).
    func assertWorkersGone(_ events: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) {
        let pids = events.filter { $0["event"] as? String == "worker_started" }.compactMap { $0["pid"] as? Int }
        XCTAssertFalse(pids.isEmpty, file: file, line: line)
        let deadline = Date().addingTimeInterval(2)
        var alive = pids.filter { kill(pid_t($0), 0) == 0 }
        while !alive.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            alive = alive.filter { kill(pid_t($0), 0) == 0 }
        }
        XCTAssertEqual(alive, [], "workers still alive 2 s after the coordinator", file: file, line: line)
    }

    func failures(_ o: Outcome) -> [String: Any] { o.summary["failures"] as? [String: Any] ?? [:] }

    func testWorkerKilledMidInvocationLosesOnlyThatInvocation() throws {
        let o = try run(fault: "kill@3")
        XCTAssertEqual(o.status, 3)
        XCTAssertEqual(o.summary["complete"] as? Bool, false)
        XCTAssertEqual(failures(o)["lost_invocations"] as? Int, 1)
        XCTAssertEqual(failures(o)["worker_exits"] as? Int, 1)
        XCTAssertTrue(
            o.report.split(separator: "\n").dropFirst().first?.hasPrefix("INCOMPLETE") == true,
            String(o.report.prefix(200)))
        XCTAssertTrue(o.report.contains("Invocations lost (never finished): 1."))
        let exited = o.events.filter {
            $0["event"] as? String == "worker_exited" && ($0["exit_status"] as? Int) == 128 + Int(SIGKILL)
        }
        XCTAssertEqual(exited.count, 1)
        // Its phases before the kill reached the log.
        XCTAssertTrue(
            o.events.contains {
                $0["invocation"] as? Int == 3
                    && ($0["phase"] as? [String: Any])?["phase"] as? String == "pre-plugin/catalog-write"
            })
    }

    func testHungWorkerIsKilledAtItsTimeout() throws {
        let o = try run(fault: "hang@2", ["--set", "worker_timeout_seconds=2"])
        XCTAssertEqual(o.status, 3)
        XCTAssertLessThan(o.seconds, 30, "the run does not wait for the hung worker")
        XCTAssertEqual(failures(o)["worker_timeouts"] as? Int, 1)
        XCTAssertEqual(failures(o)["lost_invocations"] as? Int, 1)
        XCTAssertTrue(o.report.contains("killed after their timeout: 1"))
    }

    func testGarbageLineIsKeptAndCountedAndTheRunStillCompletes() throws {
        let o = try run(fault: "garbage@1")
        XCTAssertEqual(o.status, 0, "every invocation finished: the estimate is complete")
        XCTAssertEqual(failures(o)["malformed_lines"] as? Int, 1)
        let kept = o.events.first { $0["event"] as? String == "malformed_line" }
        XCTAssertEqual(kept?["detail"] as? String, "this is not an event {\"half\": ")
        XCTAssertTrue(o.report.contains("not events (kept in events.jsonl as `malformed_line`): 1"))
    }

    func testTruncatedLastLineIsKeptAndItsInvocationLost() throws {
        let o = try run(fault: "truncate@4")
        XCTAssertEqual(o.status, 3)
        XCTAssertEqual(failures(o)["malformed_lines"] as? Int, 1)
        XCTAssertEqual(failures(o)["lost_invocations"] as? Int, 1)
        let kept = o.events.first { $0["event"] as? String == "malformed_line" }?["detail"] as? String
        XCTAssertTrue(kept?.hasPrefix("truncated line at end of output: {\"event\":\"phase\"") == true, kept ?? "none")
    }

    func testWorkerExitingNonZeroIsRecorded() throws {
        let o = try run(fault: "exit@0")
        XCTAssertEqual(o.status, 3)
        XCTAssertTrue(o.events.contains { $0["event"] as? String == "worker_exited" && $0["exit_status"] as? Int == 7 })
        XCTAssertEqual(failures(o)["worker_exits"] as? Int, 1)
    }

    /// Another process holds the system database under an exclusive lock for 5 s mid-run: workers
    /// wait (counted), nothing fails.
    func testExclusivelyLockedDatabaseIsWaitedForNotFailed() throws {
        let folder = scratch.appendingPathComponent("locked")
        let process = try SimulateBinary.startRun(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path, "--output",
                folder.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path, "--invocations", "60", "--set",
                "worker_timeout_seconds=60",
            ],
            events: folder.appendingPathComponent("events.jsonl"), afterFinished: 2)
        let blocker = try SQLiteConnection(path: folder.appendingPathComponent("work/system.db").path)
        _ = try blocker.execute("BEGIN EXCLUSIVE")
        let lockedAt = Date()
        Thread.sleep(forTimeInterval: 5)
        _ = try blocker.execute("COMMIT")
        blocker.close()
        process.waitUntilExit()
        XCTAssertGreaterThan(Date().timeIntervalSince(lockedAt), 5)
        XCTAssertEqual(process.terminationStatus, 0)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, true)
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.reduce(0) { $0 + ($1["failed"] as! Int) }, 0)
        let waits = variants.reduce(0) { $0 + (($1["storage"] as? [String: Any])?["busy_waits"] as? Int ?? 0) }
        XCTAssertGreaterThan(waits, 0, "the lock was waited for, and counted")
        XCTAssertEqual((summary["integrity"] as? [String: Any])?["ok"] as? Bool, true)
    }
}
