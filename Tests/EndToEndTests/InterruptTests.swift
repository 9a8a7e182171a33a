import Foundation
import HTTP
import XCTest

/// SIGINT to the coordinator mid-run: workers are stopped, every event is on disk, the report says
/// the run is incomplete, the exit status says so too, and nothing listens on the HTTP server's port.
final class InterruptTests: XCTestCase {
    func testInterruptedRunEndsIncompleteWithEveryWorkerAccountedFor() throws {
        try interrupt(with: SIGINT)
    }

    func testTerminatedRunEndsIncompleteWithEveryWorkerAccountedFor() throws {
        try interrupt(with: SIGTERM)
    }

    /// Ctrl-C in a terminal reaches the whole process group (coordinator, zygote, workers), and is
    /// often pressed again: a burst of them, 50 ms apart, still leaves a readable report.
    func testRepeatedCtrlCStillLeavesTheReport() throws {
        let (scratch, folder, process) = try startMatatika(afterFinished: 3)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pid = process.processIdentifier
        let pressed = Date()
        for _ in 0..<10 where process.isRunning {
            for target in [pid] + ProcessTable.descendants(of: pid) { kill(target, SIGINT) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let seconds = try waitForEnd(process, since: pressed, within: 3)
        print("repeated Ctrl-C: the run ended \(String(format: "%.2f", seconds)) s after the first")
        XCTAssertEqual(process.terminationReason, .exit, "the coordinator was killed by the signal")
        XCTAssertEqual(process.terminationStatus, 3)
        try assertIncompleteReport(folder)
    }

    /// The zygote stopped (it answers nothing), then Ctrl-C: the run still ends within 2 s (1 s more
    /// for a busy machine), with its report, and nothing it started is left, the zygote included.
    func testCtrlCWithTheZygoteStoppedEndsTheRunWithItsReport() throws {
        let scratch = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("run")
        // In a session of its own: no kernel rescue of the stopped zygote when the coordinator exits.
        let process = try DetachedRun(
            matatika(folder: folder, cache: scratch.appendingPathComponent("cache")) + ["--invocations", "40"])
        let pid = process.pid
        let start = ProcessTable.entry(pid)?.startTime ?? 0
        let watch = DescendantWatch(coordinator: pid)
        let events = folder.appendingPathComponent("events.jsonl")
        while process.isRunning, !((try? String(contentsOf: events, encoding: .utf8)) ?? "").contains("worker_started")
        {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let zygote = try XCTUnwrap(ProcessTable.zygote(of: pid))
        kill(zygote, SIGSTOP)
        defer { kill(zygote, SIGCONT) }
        Thread.sleep(forTimeInterval: 0.2)
        let pressed = Date()
        kill(pid, SIGINT)
        while process.isRunning, Date().timeIntervalSince(pressed) < 3 { Thread.sleep(forTimeInterval: 0.01) }
        let seconds = Date().timeIntervalSince(pressed)
        XCTAssertLessThan(seconds, 3, "the run did not end within 3 s of SIGINT")
        if process.isRunning { kill(pid, SIGKILL) }
        print("Ctrl-C with the zygote stopped: the run ended \(String(format: "%.2f", seconds)) s after it")
        XCTAssertEqual(process.terminationStatus, 3)
        try assertIncompleteReport(folder)
        ProcessTable.assertNoneLeft(coordinatorStart: start, seen: watch.stop(), within: 2)
    }

    func matatika(folder: URL, cache: URL) -> [String] {
        [
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
            "--output", folder.path, "--cache-dir", cache.path, "--variants", "meltano-3.6.0,meltano-3.7.9",
        ]
    }

    func startMatatika(afterFinished finished: Int) throws -> (scratch: URL, folder: URL, process: Process) {
        let scratch = try SimulateBinary.temporaryFolder()
        let folder = scratch.appendingPathComponent("run")
        let process = try SimulateBinary.startRun(
            matatika(folder: folder, cache: scratch.appendingPathComponent("cache")) + ["--invocations", "500"],
            events: folder.appendingPathComponent("events.jsonl"), afterFinished: finished)
        return (scratch, folder, process)
    }

    /// Seconds from `since` to the process's end; fails (and kills it) past `within`.
    func waitForEnd(_ process: Process, since: Date, within: Double) throws -> Double {
        while process.isRunning, Date().timeIntervalSince(since) < within { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTFail("the run did not end within \(within) s")
        }
        return Date().timeIntervalSince(since)
    }

    /// summary.json parses and REPORT.md's headline says INCOMPLETE and why.
    func assertIncompleteReport(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, false, file: file, line: line)
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(
            report.split(separator: "\n").dropFirst().first?.hasPrefix("INCOMPLETE") == true,
            String(report.prefix(200)), file: file, line: line)
        XCTAssertTrue(report.contains("**Interrupted**"), file: file, line: line)
    }

    func interrupt(with signal: Int32) throws {
        let scratch = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("run")
        let events = folder.appendingPathComponent("events.jsonl")
        // Interrupt once workers are busy.
        let process = try SimulateBinary.startRun(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
                "--output", folder.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path, "--invocations", "500", "--variants",
                "meltano-3.6.0,meltano-3.7.9",
                "--set", "state_backend=http",
            ],
            events: events, afterFinished: 3)
        kill(process.processIdentifier, signal)
        let stopBy = Date().addingTimeInterval(10)
        while process.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "the coordinator did not stop within 10 s of SIGINT")
        if process.isRunning {
            process.terminate()
            return
        }
        XCTAssertEqual(process.terminationStatus, 3)

        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        var started = Set<Int>()
        var exited = Set<Int>()
        var interrupted = false
        for line in lines {
            let object = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            let kind = object["event"] as? String
            if kind == "worker_started", let w = object["worker"] as? Int { started.insert(w) }
            if kind == "worker_exited", let w = object["worker"] as? Int { exited.insert(w) }
            if kind == "run_interrupted" { interrupted = true }
        }
        XCTAssertTrue(interrupted)
        XCTAssertFalse(started.isEmpty)
        XCTAssertTrue(
            started.isSubset(of: exited),
            "every worker's end is recorded: started \(started.sorted()), exited \(exited.sorted())")
        let pids = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "worker_started" }.compactMap { $0["pid"] as? Int }
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(pids.filter { kill(pid_t($0), 0) == 0 }, [], "no worker outlives the coordinator")
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(
            report.split(separator: "\n").dropFirst().first?.hasPrefix("INCOMPLETE") == true, String(report.prefix(200))
        )
        XCTAssertTrue(report.contains("**Interrupted**"))

        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let server = try XCTUnwrap(summary["http_server"] as? [String: Any])
        let port = try XCTUnwrap(server["port"] as? Int)
        XCTAssertEqual(server["port_closed_after_run"] as? Bool, true)
        XCTAssertFalse(LoopbackServer.isListening(port: port), "port \(port) still accepts connections")
    }
}
