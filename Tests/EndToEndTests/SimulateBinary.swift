import Foundation
import XCTest

/// Runs the real `simulate` binary, built beside the test bundle, and captures what it prints.
struct SimulateBinary {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var url: URL {
        let bundle = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        var dir = bundle.deletingLastPathComponent()
        // On Linux the test bundle is an executable in the build folder; elsewhere a bundle inside it.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("simulate").path),
            dir.path != "/"
        {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("simulate")
    }

    /// The repository root, for the shipped scenario files.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs the binary (or `executable`, for a reference program such as python3) to its end.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 300, executable: URL? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes while it runs so a chatty child never blocks.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            XCTFail("simulate \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts a run in the background (output discarded) and returns once `finished` invocations
    /// have finished, so a test can act on a coordinator with busy workers.
    static func startRun(
        _ arguments: [String], events: URL, afterFinished finished: Int, environment: [String: String] = [:]
    ) throws -> Process {
        let process = try start(arguments, environment: environment)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
            ((try? String(contentsOf: events, encoding: .utf8))?.components(separatedBy: "invocation_finished").count
                ?? 1) - 1 < finished
        {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process
    }

    /// Starts the binary in the background, in `folder` when given, its output discarded, with
    /// `environment` added to this process's.
    static func start(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws
        -> Process
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let folder { process.currentDirectoryURL = folder }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Sends `signal` and waits up to `seconds` for the process to end; one still running then is
    /// terminated, so the caller never hangs. Returns whether it ended within `seconds` by itself.
    static func signal(_ process: Process, _ signal: Int32, endsWithin seconds: Double) -> Bool {
        kill(process.processIdentifier, signal)
        let stopBy = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < stopBy { Thread.sleep(forTimeInterval: 0.02) }
        let ended = !process.isRunning
        if !ended { process.terminate() }
        process.waitUntilExit()
        return ended
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs the scenario `yaml` (written to a fresh folder as `file`) into that folder's `run`,
    /// asserting exit 0; returns the result and the run folder.
    static func runScenario(_ yaml: String, file: String) throws -> (output: Output, run: URL) {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent(file)
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run")
        let r = try SimulateBinary.run(["--scenario", path.path, "--output", run.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (r, run)
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}
