import Foundation
import XCTest

/// Workers forked by the run's zygote (the default) against exec'd workers, and the zygote's own
/// faults: killed mid-run (the run falls back to exec and ends incomplete), and a coordinator
/// killed outright (zygote and workers are gone within 2 s; nothing is left running).
final class ZygoteTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    func events(_ folder: URL) throws -> [[String: Any]] {
        try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { line in
                try XCTUnwrap(
                    JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    "line does not parse: \(line)")
            }
    }

    func count(_ kind: String, in events: [[String: Any]]) -> Int {
        events.filter { $0["event"] as? String == kind }.count
    }

    func testForkedAndExecdWorkersRecordTheSameRun() throws {
        var finished: [String: Int] = [:]
        for mode in ["zygote", "exec"] {
            let folder = scratch.appendingPathComponent(mode)
            let result = try SimulateBinary.run(
                [
                    "--scenario", smoke, "--output", folder.path, "--cache-dir",
                    scratch.appendingPathComponent("cache").path,
                    "--set", "worker_spawn=\(mode)",
                ], timeout: 120)
            XCTAssertEqual(result.status, 0, result.stderr)
            let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
            XCTAssertEqual(summary["worker_spawn"] as? String, mode)
            let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
            XCTAssertTrue(report.contains(mode == "zygote" ? "(forked from one pre-started zygote)" : "(each exec'd)"))
            let all = try events(folder)
            finished[mode] = count("invocation_finished", in: all)
            // Every worker is its own process with its own pid.
            let pids = all.filter { $0["event"] as? String == "worker_started" }.compactMap { $0["pid"] as? Int }
            XCTAssertEqual(Set(pids).count, pids.count)
            XCTAssertEqual(pids.count, count("worker_exited", in: all))
        }
        XCTAssertEqual(finished["zygote"], 12)  // 4 variants × 3 invocations
        XCTAssertEqual(finished["zygote"], finished["exec"])
    }

    /// A job that does not fit in the pipe is written after the fork instead of before it.
    func testAJobLargerThanThePipeReachesAForkedWorker() throws {
        let folder = scratch.appendingPathComponent("big")
        let result = try SimulateBinary.run(
            [
                "--scenario", smoke, "--output", folder.path, "--cache-dir",
                scratch.appendingPathComponent("cache").path,
                "--invocations", "300", "--set", "invocations_per_process=1200", "--set", "workers=1",
                "--set", "catalog_sample_lines=1", "--set", "state_sample_messages=1",
            ], timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["worker_spawn"] as? String, "zygote")
        XCTAssertEqual(summary["worker_processes"] as? Int, 1)
        XCTAssertEqual(count("invocation_finished", in: try events(folder)), 1200)
    }

    func testZygoteKilledMidRunEndsIncompleteAndLaterWorkersAreExecd() throws {
        let folder = scratch.appendingPathComponent("run")
        let process = try startMatatika(folder)
        let zygote = try XCTUnwrap(ProcessTable.zygote(of: process.processIdentifier), "no zygote is running")
        let before = count("invocation_finished", in: try events(folder))
        kill(zygote, SIGKILL)
        try waitForExit(process, seconds: 120)
        XCTAssertEqual(process.terminationStatus, 3, "the killed workers' invocations are lost: incomplete")
        let all = try events(folder)
        // Every worker that announced itself has its end recorded, once. A worker the zygote was
        // forking when it was killed can end before its first line: an end with no start.
        let ids = { (kind: String) in all.filter { $0["event"] as? String == kind }.compactMap { $0["worker"] as? Int }
        }
        XCTAssertTrue(
            Set(ids("worker_started")).isSubset(of: Set(ids("worker_exited"))), "every worker's end is recorded")
        XCTAssertEqual(Set(ids("worker_exited")).count, ids("worker_exited").count, "one end per worker")
        XCTAssertGreaterThan(count("invocation_finished", in: all), before, "the run went on with exec'd workers")
        let log = try String(contentsOf: folder.appendingPathComponent("work/workers.stderr.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("workers are exec'd from now on"), log)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["worker_spawn"] as? String, "exec")
        // The headline, under the title, says so first.
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(
            report.split(separator: "\n").dropFirst().first?.hasPrefix("INCOMPLETE") == true, String(report.prefix(200))
        )
        assertGone(workerPids(all), within: 2)
    }

    func testCoordinatorKilledLeavesNoZygoteOrWorkerBehind() throws {
        let folder = scratch.appendingPathComponent("run")
        let process = try startMatatika(folder)
        // The coordinator's direct child: asked of the process table, not of a worker that may have
        // ended between the event and the look.
        let zygote = try XCTUnwrap(ProcessTable.zygote(of: process.processIdentifier), "no zygote is running")
        let workers = workerPids(try events(folder)) + Array(ProcessTable.descendants(of: zygote))
        kill(process.processIdentifier, SIGKILL)
        try waitForExit(process, seconds: 10)
        assertGone([zygote] + workers, within: 2)
    }

    // MARK: - helpers

    func startMatatika(_ folder: URL) throws -> Process {
        try SimulateBinary.startRun(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
                "--output", folder.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path, "--invocations", "40", "--variants",
                "meltano-3.6.0,meltano-3.7.9",
            ],
            events: folder.appendingPathComponent("events.jsonl"), afterFinished: 2)
    }

    func workerPids(_ events: [[String: Any]]) -> [pid_t] {
        events.filter { $0["event"] as? String == "worker_started" }.compactMap { ($0["pid"] as? Int).map(pid_t.init) }
    }

    /// A zombie counts as gone: it has ended, and reaping it is its new parent's business.
    func assertGone(_ pids: [pid_t], within seconds: Double, file: StaticString = #filePath, line: UInt = #line) {
        let alive = { pids.filter(ProcessTable.isAlive) }
        let deadline = Date().addingTimeInterval(seconds)
        while !alive().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(alive(), [], "still running \(seconds) s later", file: file, line: line)
    }

    func waitForExit(_ process: Process, seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            XCTFail("the coordinator did not end within \(seconds) s")
        }
    }
}
