import Foundation
import HTTP
import XCTest

/// SIGINT to the coordinator mid-run: workers are stopped, every event is on disk, the report says
/// the run is incomplete, the exit status says so too, and nothing listens on the HTTP server's port.
final class InterruptTests: XCTestCase {
    func testInterruptedRunEndsIncompleteWithEveryWorkerAccountedFor() throws {
        let scratch = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("run")
        let process = Process()
        process.executableURL = SimulateBinary.url
        process.arguments = ["--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
                             "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
                             "--invocations", "500", "--variants", "meltano-3.6.0,meltano-3.7.9", "--set", "state_backend=http"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until workers are busy, then interrupt.
        let events = folder.appendingPathComponent("events.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? String(contentsOf: events, encoding: .utf8))?.components(separatedBy: "invocation_finished").count ?? 0) < 4 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.interrupt()
        let stopBy = Date().addingTimeInterval(10)
        while process.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "the coordinator did not stop within 10 s of SIGINT")
        if process.isRunning { process.terminate(); return }
        XCTAssertEqual(process.terminationStatus, 3)

        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        var started = Set<Int>(), exited = Set<Int>()
        var interrupted = false
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            let kind = object["event"] as? String
            if kind == "worker_started", let w = object["worker"] as? Int { started.insert(w) }
            if kind == "worker_exited", let w = object["worker"] as? Int { exited.insert(w) }
            if kind == "run_interrupted" { interrupted = true }
        }
        XCTAssertTrue(interrupted)
        XCTAssertFalse(started.isEmpty)
        XCTAssertTrue(started.isSubset(of: exited), "every worker's end is recorded: started \(started.sorted()), exited \(exited.sorted())")
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.hasPrefix("INCOMPLETE"), String(report.prefix(200)))
        XCTAssertTrue(report.contains("**Interrupted**"))

        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let server = try XCTUnwrap(summary["http_server"] as? [String: Any])
        let port = try XCTUnwrap(server["port"] as? Int)
        XCTAssertEqual(server["port_closed_after_run"] as? Bool, true)
        XCTAssertFalse(LoopbackServer.isListening(port: port), "port \(port) still accepts connections")
    }
}
