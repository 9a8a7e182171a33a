import Foundation
import XCTest

/// Ctrl-C while a step of `sweep` or `fit` asks the scenario's interpreter for its `sys.path`: the
/// tool ends as the signal asks (as `run` does), not with exit 1 as a failure would.
final class SweepFitInterruptTests: XCTestCase {
    var scratch: URL!
    var pids: URL { scratch.appendingPathComponent("pids") }
    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws {
        for pid in recordedPids() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: scratch)
    }

    func recordedPids() -> [pid_t] {
        ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { pid_t($0) }
    }

    /// An interpreter that answers `sys.path` at once while `output` does not exist (the checks
    /// before the command claims it), and hangs once it does (inside the first step's run).
    func interpreter(hangingOnce output: URL) throws -> String {
        let file = scratch.appendingPathComponent("python")
        let body = """
            #!/bin/sh
            if [ ! -d '\(output.path)' ]; then echo '["/nonexistent"]'; exit 0; fi
            echo $$ >> '\(pids.path)'
            exec sleep 1000

            """
        try Data(body.utf8).write(to: file)
        chmod(file.path, 0o755)
        return file.path
    }

    func testCtrlCDuringASweepOrFitStepEndsByTheSignal() throws {
        for command in ["sweep", "fit"] {
            try? FileManager.default.removeItem(at: pids)
            let output = scratch.appendingPathComponent("out-\(command)")
            let python = try interpreter(hangingOnce: output)
            let specific =
                command == "sweep"
                ? ["--error-rate", "0,0.1"] : ["--knob", "catalog-lines", "--observed", "5m"]
            let process = try SimulateBinary.start(
                [command, "--scenario", smoke, "--python", python, "--output", output.path] + specific, in: scratch)
            let deadline = Date().addingTimeInterval(60)
            while recordedPids().isEmpty && process.isRunning && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            XCTAssertEqual(recordedPids().count, 1, "\(command): the step's interpreter did not start")
            XCTAssertTrue(
                SimulateBinary.signal(process, SIGINT, endsWithin: 10), "\(command) still running after the signal")
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, command)
            XCTAssertEqual(process.terminationStatus, SIGINT, command)
            let goneBy = Date().addingTimeInterval(2)
            while recordedPids().contains(where: ProcessTable.isAlive) && Date() < goneBy {
                Thread.sleep(forTimeInterval: 0.02)
            }
            XCTAssertFalse(recordedPids().contains(where: ProcessTable.isAlive), "\(command): the interpreter lives on")
        }
    }
}
