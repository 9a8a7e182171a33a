import Foundation
import XCTest

/// One process of a run stopped (SIGSTOP) or its coordinator killed outright: the run still ends
/// within the worker timeout + 5 s, says truthfully whether every invocation finished, and leaves
/// no process behind, not even a stopped one.
final class StoppedProcessTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// Per invocation: long enough that a healthy worker on a loaded 2-core machine never reaches
    /// it (3 s did not, under load average 16), short enough to keep the tests quick.
    static let workerTimeout = 6.0

    /// A short matatika run (12 invocations, a small catalog) and the processes it started.
    struct SmallRun {
        let folder: URL
        let process: DetachedRun
        let startTime: UInt64
        let watch: DescendantWatch

        var coordinator: pid_t { process.pid }
        var events: [[String: Any]] {
            ((try? String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? "")
                .split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
                .compactMap { $0 as? [String: Any] }
        }
        var workers: [pid_t] {
            events.filter { $0["event"] as? String == "worker_started" }.compactMap { $0["pid"] as? Int }
                .map(pid_t.init)
        }
        var zygote: pid_t? { ProcessTable.zygote(of: coordinator) }

        /// Waits for the coordinator's end, at most `seconds`; the seconds it took, or nil (then it is killed).
        func waitForEnd(seconds: Double) -> Double? {
            let started = Date()
            while process.isRunning, Date().timeIntervalSince(started) < seconds { Thread.sleep(forTimeInterval: 0.02) }
            guard process.isRunning else { return Date().timeIntervalSince(started) }
            kill(coordinator, SIGKILL)
            process.waitUntilExit()
            return nil
        }
    }

    /// Starts a small run and returns once `condition` holds for its events (or after 60 s).
    func start(_ flags: [String], until condition: ([[String: Any]]) -> Bool) throws -> SmallRun {
        let folder = scratch.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        let process = try DetachedRun(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
                "--invocations", "6", "--variants", "meltano-3.6.0,meltano-3.7.9", "--set", "catalog_lines=2000",
                "--set", "worker_timeout_seconds=\(Self.workerTimeout)",
            ] + flags)
        let run = SmallRun(
            folder: folder, process: process, startTime: ProcessTable.entry(process.pid)?.startTime ?? 0,
            watch: DescendantWatch(coordinator: process.pid))
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline, !condition(run.events) { Thread.sleep(forTimeInterval: 0.005) }
        return run
    }

    func started(_ events: [[String: Any]]) -> Bool { events.contains { $0["event"] as? String == "worker_started" } }

    /// Exit 0 only with every invocation finished, else 3 with the headline saying INCOMPLETE.
    func assertTruthful(_ run: SmallRun, file: StaticString = #filePath, line: UInt = #line) throws {
        let finished = run.events.filter { $0["event"] as? String == "invocation_finished" }.count
        let status = run.process.terminationStatus
        XCTAssertTrue(status == 3 || (status == 0 && finished == 12), "exit \(status), \(finished) of 12", line: line)
        let report = try String(contentsOf: run.folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        let headline = report.split(separator: "\n").dropFirst().first ?? ""
        XCTAssertEqual(headline.hasPrefix("INCOMPLETE"), status == 3, String(headline), file: file, line: line)
    }

    func testStoppedZygoteIsGivenUpOnAndTheRunEndsWithinTheWorkerTimeout() throws {
        let run = try start(["--set", "worker_spawn=zygote"], until: started)
        let zygote = try XCTUnwrap(run.zygote, "no zygote")
        kill(zygote, SIGSTOP)
        defer { kill(zygote, SIGCONT) }
        let seconds = run.waitForEnd(seconds: Self.workerTimeout + 5)
        XCTAssertNotNil(seconds, "the run did not end within the worker timeout + 5 s of the zygote's stop")
        print("stopped zygote: the run ended \(seconds.map { String(format: "%.2f", $0) } ?? "never") s after SIGSTOP")
        ProcessTable.assertNoneLeft(coordinatorStart: run.startTime, seen: run.watch.stop(), within: 2)
        try assertTruthful(run)
        let summary = try SimulateBinary.json(run.folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["worker_spawn"] as? String, "exec", "the rest of the run was exec'd")
        let log = try String(
            contentsOf: run.folder.appendingPathComponent("work/workers.stderr.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("(stopped or hung): killed") || log.contains("workers are exec'd from now on"), log)
    }

    func testCoordinatorKilledWhileTheZygoteIsStoppedLeavesNothingBehind() throws {
        let run = try start(["--set", "worker_spawn=zygote"], until: started)
        let zygote = try XCTUnwrap(run.zygote, "no zygote")
        kill(zygote, SIGSTOP)
        Thread.sleep(forTimeInterval: 0.1)  // the watch sees the zygote's children, the spare among them
        kill(run.coordinator, SIGKILL)
        run.process.waitUntilExit()
        let seen = run.watch.stop()
        XCTAssertTrue(seen.contains(zygote))
        ProcessTable.assertNoneLeft(coordinatorStart: run.startTime, seen: seen, within: 2)
        kill(zygote, SIGCONT)
    }

    func testCoordinatorKilledWithAStoppedExecdWorkerLeavesNothingBehind() throws {
        let run = try start(["--set", "worker_spawn=exec"], until: started)
        let worker = try XCTUnwrap(run.workers.first { ProcessTable.isAlive($0) }, "no worker alive")
        kill(worker, SIGSTOP)
        kill(run.coordinator, SIGKILL)
        run.process.waitUntilExit()
        ProcessTable.assertNoneLeft(coordinatorStart: run.startTime, seen: run.watch.stop(), within: 2)
        kill(worker, SIGCONT)
    }

    /// A job too large for the worker's stdin pipe, and the worker stopped the moment it starts,
    /// before it reads the job: writing the job (from a thread of its own) holds up nothing, so
    /// Ctrl-C still ends the run at once. (Its timeout, 3 s per invocation of a 1,200-invocation
    /// batch, is an hour away.)
    func testWorkerStoppedBeforeReadingABigJobHoldsUpNothing() throws {
        let folder = scratch.appendingPathComponent("big")
        let process = try DetachedRun([
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
            "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
            "--invocations", "600", "--variants", "meltano-3.6.0,meltano-3.7.9", "--set", "catalog_lines=2000",
            "--set", "worker_timeout_seconds=\(Self.workerTimeout)", "--set", "worker_spawn=exec",
            "--set", "invocations_per_process=1200", "--set", "workers=1",
            "--set", "catalog_sample_lines=1", "--set", "state_sample_messages=1",
        ])
        let coordinator = process.pid
        let start = ProcessTable.entry(coordinator)?.startTime ?? 0
        var worker: pid_t?
        let deadline = Date().addingTimeInterval(60)
        while worker == nil, process.isRunning, Date() < deadline {
            worker = ProcessTable.children(of: coordinator).first { ProcessTable.command($0).hasSuffix(" worker ") }
        }
        let stopped = try XCTUnwrap(worker, "no worker started")
        kill(stopped, SIGSTOP)
        defer { kill(stopped, SIGCONT) }
        Thread.sleep(forTimeInterval: 0.5)
        kill(coordinator, SIGINT)
        let interrupted = Date()
        while process.isRunning, Date().timeIntervalSince(interrupted) < 3 { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertFalse(process.isRunning, "the run did not end within 3 s of SIGINT")
        if process.isRunning {
            kill(coordinator, SIGKILL)
            process.waitUntilExit()
        }
        XCTAssertEqual(process.terminationStatus, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("REPORT.md").path))
        ProcessTable.assertNoneLeft(coordinatorStart: start, seen: [stopped], within: 2)
    }

    /// With the http state backend the server is in the coordinator: a worker stopped between its
    /// catalog write and its extraction (its HTTP calls) is killed at its timeout, and only its
    /// invocation is lost.
    func testWorkerStoppedMidHTTPCallIsKilledAtItsTimeout() throws {
        for spawn in ["zygote", "exec"] {
            let run = try start(["--set", "state_backend=http", "--set", "worker_spawn=\(spawn)"]) { events in
                events.contains { ($0["phase"] as? [String: Any])?["phase"] as? String == "pre-plugin/catalog-write" }
            }
            let pids = Dictionary(
                run.events.filter { $0["event"] as? String == "worker_started" }.compactMap { event in
                    (event["worker"] as? Int).flatMap { w in (event["pid"] as? Int).map { (w, pid_t($0)) } }
                }, uniquingKeysWith: { a, _ in a })
            let writer = run.events.last {
                ($0["phase"] as? [String: Any])?["phase"] as? String == "pre-plugin/catalog-write"
            }
            let pid = try XCTUnwrap((writer?["worker"] as? Int).flatMap { pids[$0] }, "\(spawn): no worker")
            kill(pid, SIGSTOP)
            let seconds = run.waitForEnd(seconds: Self.workerTimeout + 5 + 20)
            XCTAssertNotNil(seconds, "\(spawn): the run did not end")
            ProcessTable.assertNoneLeft(coordinatorStart: run.startTime, seen: run.watch.stop(), within: 2)
            try assertTruthful(run)
            let summary = try SimulateBinary.json(run.folder.appendingPathComponent("summary.json"))
            let failures = summary["failures"] as? [String: Any] ?? [:]
            XCTAssertEqual(run.process.terminationStatus, 3, spawn)
            XCTAssertEqual(failures["worker_timeouts"] as? Int, 1, "\(spawn): \(failures)")
            XCTAssertGreaterThanOrEqual(failures["lost_invocations"] as? Int ?? 0, 1, "\(spawn): \(failures)")
        }
    }
}
