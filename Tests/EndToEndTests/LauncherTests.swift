import Foundation
import TestSupport
import XCTest

/// The real binary with workers started through an engine: a single-node Slurm cluster
/// (`scripts/slurm-cluster`) and an sshd on loopback (`scripts/sshd-server`), each started by the
/// test. A run completes as it does locally; a step killed, a node stopped or a hung remote worker
/// end it incomplete, in bounded time, with the report written and nothing left running.
class LauncherTestCase: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { if let scratch { try? FileManager.default.removeItem(at: scratch) } }

    struct Outcome {
        let status: Int32
        let stderr: String
        let folder: URL
        let summary: [String: Any]
        let report: String
        let seconds: Double

        var failures: [String: Any] { summary["failures"] as? [String: Any] ?? [:] }
    }

    func smokeArguments(_ folder: URL, _ settings: [String]) -> [String] {
        [
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
            "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
        ] + settings.flatMap { ["--set", $0] }
    }

    /// Runs smoke with `settings`; `during`, if given, acts on the running coordinator once
    /// `afterFinished` invocations have finished.
    func run(
        _ settings: [String], environment: [String: String], afterFinished: Int = 0, during: (() throws -> Void)? = nil
    ) throws -> Outcome {
        let folder = scratch.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        let arguments = smokeArguments(folder, settings)
        let started = Date()
        var status: Int32
        var stderr = ""
        if let during {
            let process = try SimulateBinary.startRun(
                arguments, events: folder.appendingPathComponent("events.jsonl"), afterFinished: afterFinished,
                environment: environment)
            try during()
            let stopBy = Date().addingTimeInterval(120)
            while process.isRunning && Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
            XCTAssertFalse(process.isRunning, "the run did not end within 120 s")
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            status = process.terminationStatus
        } else {
            let result = try SimulateBinary.run(arguments, environment: environment, timeout: 180)
            status = result.status
            stderr = result.stderr
        }
        return Outcome(
            status: status, stderr: stderr, folder: folder,
            summary: try SimulateBinary.json(folder.appendingPathComponent("summary.json")),
            report: try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8),
            seconds: Date().timeIntervalSince(started))
    }

    /// The pids of the run's workers (from their `worker_started` events; the nodes are this
    /// machine) that are still alive 3 s after the coordinator ended.
    func workersLeft(_ o: Outcome) throws -> [Int] {
        let events = try String(contentsOf: o.folder.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let pids = events.split(separator: "\n").compactMap { line -> Int? in
            guard line.contains("\"worker_started\""),
                let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else { return nil }
            return event["pid"] as? Int
        }
        XCTAssertFalse(pids.isEmpty, "no worker started")
        let deadline = Date().addingTimeInterval(3)
        var alive = pids.filter { kill(pid_t($0), 0) == 0 }
        while !alive.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            alive = alive.filter { kill(pid_t($0), 0) == 0 }
        }
        return alive
    }
}

final class SlurmLauncherTests: LauncherTestCase {
    var cluster: SlurmTestCluster!

    override func setUpWithError() throws {
        if let reason = SlurmTestCluster.unavailableReason { throw XCTSkip(reason) }
        try super.setUpWithError()
        cluster = try SlurmTestCluster.start()
    }

    override func tearDownWithError() throws {
        cluster?.stop()
        try super.tearDownWithError()
    }

    func testSmokeRunThroughSrunCompletesAsLocally() throws {
        let o = try run(["launcher.engine=slurm"], environment: cluster.environment)
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertEqual(o.summary["complete"] as? Bool, true)
        let integrity = try XCTUnwrap(o.summary["integrity"] as? [String: Any])
        XCTAssertEqual(integrity["ok"] as? Bool, true, "\(integrity)")
        XCTAssertTrue(o.report.contains("worker processes (each a Slurm job step through srun)"), o.report)
        XCTAssertEqual(try cluster.jobs(), [], "no job left in the queue")
    }

    func testAStepKilledThroughScancelEndsTheRunIncompleteWithItsInvocationsLost() throws {
        // Invocation 1 hangs; the step running it is cancelled from outside, as an operator or a
        // node's failure would. The worker timeout is far away: only the cancel can end it.
        let o = try run(
            ["launcher.engine=slurm", "worker_timeout_seconds=300"],
            environment: cluster.environment.merging(["SIMULATE_WORKER_FAULT": "hang@1"]) { $1 },
            afterFinished: 3
        ) {
            try self.cancelJobWithin(seconds: 60)
        }
        XCTAssertEqual(o.status, 3)
        XCTAssertEqual(o.summary["complete"] as? Bool, false)
        XCTAssertGreaterThanOrEqual(o.failures["lost_invocations"] as? Int ?? 0, 1)
        XCTAssertGreaterThanOrEqual(o.failures["worker_exits"] as? Int ?? 0, 1)
        XCTAssertTrue(o.report.contains("INCOMPLETE"), o.report)
        XCTAssertLessThan(o.seconds, 120)
        XCTAssertEqual(try workersLeft(o), [])
        XCTAssertEqual(try cluster.jobs(), [])
    }

    func testAStoppedNodeEndsTheRunIncompleteInBoundedTime() throws {
        // slurmd is killed mid-run: steps already running go on (slurmstepd outlives it), new ones
        // wait for a node that never answers, and the worker timeout ends them.
        let o = try run(
            ["launcher.engine=slurm", "worker_timeout_seconds=4"],
            environment: cluster.environment, afterFinished: 2
        ) {
            let pid = try String(contentsOfFile: self.cluster.folder + "/slurmd.pid", encoding: .utf8)
            kill(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines))!, SIGKILL)
        }
        XCTAssertEqual(o.status, 3)
        XCTAssertEqual(o.summary["complete"] as? Bool, false)
        XCTAssertGreaterThanOrEqual(o.failures["lost_invocations"] as? Int ?? 0, 1)
        XCTAssertTrue(o.report.contains("INCOMPLETE"), o.report)
        XCTAssertEqual(try workersLeft(o), [])
    }

    func testAnInterruptedRunEndsItsStepsAndLeavesNoJob() throws {
        let folder = scratch.appendingPathComponent("interrupted")
        let process = try SimulateBinary.startRun(
            smokeArguments(folder, ["launcher.engine=slurm", "invocations=30"]),
            events: folder.appendingPathComponent("events.jsonl"), afterFinished: 2, environment: cluster.environment)
        let coordinator = process.processIdentifier
        XCTAssertTrue(process.isRunning, "the run ended before it could be interrupted")
        // SIGTERM reaches the steps through srun; a second later SIGKILL ends srun and its job.
        XCTAssertTrue(SimulateBinary.signal(process, SIGINT, endsWithin: 15), "pid \(coordinator) did not end")
        XCTAssertEqual(process.terminationStatus, 3)
        let o = Outcome(
            status: process.terminationStatus, stderr: "", folder: folder,
            summary: try SimulateBinary.json(folder.appendingPathComponent("summary.json")),
            report: try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8), seconds: 0)
        XCTAssertNotNil(o.failures["interrupted"], "\(o.failures)")
        XCTAssertEqual(try workersLeft(o), [])
        let stopBy = Date().addingTimeInterval(10)
        while try !cluster.jobs().isEmpty && Date() < stopBy { Thread.sleep(forTimeInterval: 0.2) }
        XCTAssertEqual(try cluster.jobs(), [], "no job left in the queue")
    }

    func testSlurmWithoutSrunOnPathIsBadInputNamingTheKey() throws {
        let folder = scratch.appendingPathComponent("no-srun")
        let result = try SimulateBinary.run(
            smokeArguments(folder, ["launcher.engine=slurm"]), environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("launcher.engine"), result.stderr)
        XCTAssertTrue(result.stderr.contains("`srun` on PATH"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "nothing written")
    }

    /// Waits for a running job whose worker has hung, then cancels every running job (the hung
    /// one among them).
    func cancelJobWithin(seconds: Double) throws {
        let stopBy = Date().addingTimeInterval(seconds)
        while Date() < stopBy {
            let running = try cluster.command(["squeue", "--noheader", "--states=RUNNING", "--format=%i"])
            if !running.isEmpty {
                try cluster.command(["scancel", "--signal=KILL", "--full", "--state=RUNNING"])
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("no running job to cancel within \(seconds) s")
    }
}

final class SSHLauncherTests: LauncherTestCase {
    var server: SSHTestServer!

    override func setUpWithError() throws {
        if let reason = SSHTestServer.unavailableReason { throw XCTSkip(reason) }
        try super.setUpWithError()
        server = try SSHTestServer.start()
    }

    override func tearDownWithError() throws {
        server?.stop()
        try super.tearDownWithError()
    }

    func settings(_ more: [String] = []) -> [String] {
        [
            "launcher.engine=ssh", "launcher.hosts=simulate-node-1,simulate-node-2",
            "launcher.ssh_config=\(server.config)",
        ]
            + more
    }

    func testSmokeRunThroughSSHCompletesAsLocally() throws {
        let o = try run(settings(), environment: [:])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertEqual(o.summary["complete"] as? Bool, true)
        XCTAssertTrue(o.report.contains("worker processes (each through ssh, to 2 hosts in turn)"), o.report)
    }

    func testAHungRemoteWorkerIsKilledOnItsHostAtItsTimeout() throws {
        // ssh forwards no signal: the kill must reach the worker's pid on its host, or it would run on.
        let o = try run(
            settings(["worker_timeout_seconds=3"]), environment: ["SIMULATE_WORKER_FAULT": "hang@1"])
        XCTAssertEqual(o.status, 3, o.stderr)
        XCTAssertEqual(o.failures["worker_timeouts"] as? Int, 1)
        XCTAssertEqual(o.failures["lost_invocations"] as? Int, 1)
        XCTAssertEqual(try workersLeft(o), [])
    }

    func testAnSSHLauncherWithoutHostsIsBadInputNamingTheKey() throws {
        let folder = scratch.appendingPathComponent("none")
        let result = try SimulateBinary.run(smokeArguments(folder, ["launcher.engine=ssh"]))
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("launcher.hosts"), result.stderr)
        XCTAssertTrue(result.stderr.contains("needs at least one host"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "nothing written")
    }
}
