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
