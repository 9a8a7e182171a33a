import Foundation

/// Contention between real OS processes in tests: the test binary re-runs itself (fork is unsafe
/// in Swift) with a filter selecting one Swift Testing test, the worker side, enabled only by
/// environment variables the parent sets. Workers wait for a "go" file so they start together,
/// and write a report (lock or busy waits, and the write sequences they got) for the parent.
public enum TestWorkers {
    /// What one worker process reported.
    public struct Report: Sendable {
        public var status: Int32
        public var waits: Int
        public var sequences: [Int]
    }

    static let goVariable = "TEST_WORKER_GO"
    static let reportVariable = "TEST_WORKER_REPORT"

    /// Parent side: spawns `count` copies of this test binary running the test `filter`, each with
    /// `environment(index)` added; starts them together; waits for all and returns their reports.
    public static func run(count: Int, filter: String, folder: String, environment: (Int) -> [String: String]) throws
        -> [Report]
    {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let goFile = folder + "/go"
        var processes: [(Process, String)] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--testing-library", "swift-testing", "--filter", filter]
            let report = folder + "/report-\(index)"
            var env = ProcessInfo.processInfo.environment
            env.merge(environment(index)) { _, new in new }
            env[goVariable] = goFile
            env[reportVariable] = report
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, report))
        }
        // Start together so the writes overlap.
        guard FileManager.default.createFile(atPath: goFile, contents: Data()) else {
            for (process, _) in processes { process.terminate() }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: goFile])
        }
        return processes.map { process, report in
            process.waitUntilExit()
            let lines = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: "\n")
            return Report(
                status: process.terminationStatus, waits: Int(lines.first ?? "") ?? 0,
                sequences: (lines.dropFirst().first ?? "").split(separator: ",").compactMap { Int($0) })
        }
    }

    /// Worker side: waits (20 s at most) for the parent's go file.
    public static func waitForGo() {
        guard let goFile = ProcessInfo.processInfo.environment[goVariable] else { return }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: goFile) && Date() < deadline { usleep(500) }
    }

    /// Worker side: writes the report the parent reads.
    public static func report(waits: Int, sequences: [Int]) throws {
        guard let path = ProcessInfo.processInfo.environment[reportVariable] else { return }
        try "\(waits)\n\(sequences.map(String.init).joined(separator: ","))".write(
            toFile: path, atomically: true, encoding: .utf8)
    }
}
