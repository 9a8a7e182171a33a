import Foundation
import XCTest

/// Runs started at once in one folder: each claims its own run folder (issue 21, "Concurrency").
final class ConcurrentRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// Six smoke runs started together, each with the default output folder `runs/smoke-<time>`: the
    /// same second gives them the same name, so each must make its folder exclusively or take the
    /// next suffix. Before, 6 runs shared 3 or 4 folders and most exited non-zero.
    func testSixRunsAtOnceInOneFolderEachGetTheirOwnFolder() throws {
        let scenario = SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path
        let cache = scratch.appendingPathComponent("cache").path
        // One small run first prepares the shared synthetic environment, so the six only race for folders.
        let small = ["--invocations", "1", "--variants", "meltano-3.6.0,meltano-3.7.9", "--cost-profile", "native"]
        let warm = try SimulateBinary.run(
            ["--scenario", scenario, "--cache-dir", cache, "--output", scratch.appendingPathComponent("warm").path]
                + small)
        XCTAssertEqual(warm.status, 0, warm.stderr)

        let processes = (0..<6).map { _ -> Process in
            let process = Process()
            process.executableURL = SimulateBinary.url
            process.arguments = ["--scenario", scenario, "--cache-dir", cache] + small
            process.currentDirectoryURL = scratch
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        let deadline = Date().addingTimeInterval(120)
        while processes.contains(where: \.isRunning) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }

        XCTAssertEqual(processes.map(\.terminationStatus), Array(repeating: 0, count: 6))
        let folders = try FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("runs").path)
            .filter { $0.hasPrefix("smoke-") }
        XCTAssertEqual(folders.count, 6, "\(folders)")
        for folder in folders {
            let report = scratch.appendingPathComponent("runs/\(folder)/REPORT.md")
            XCTAssertTrue(FileManager.default.fileExists(atPath: report.path), "\(folder) has no REPORT.md")
        }
    }
}
