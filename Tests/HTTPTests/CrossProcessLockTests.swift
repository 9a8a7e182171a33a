import Foundation
import Storage
import Testing
import XCTest
@testable import HTTP

/// The worker side of `CrossProcessLockTests`: a Swift Testing test that runs only in the copies
/// of the test binary the parent spawns (fork is unsafe in Swift), selected by a filter and
/// enabled by the worker environment variables. It is a client only; the server is the parent's.
@Suite struct CrossProcessLockWorker {
    private static let environment = ProcessInfo.processInfo.environment

    /// Worker side: waits for the go file, does N writes over HTTP, reports sequences and lock waits.
    @Test(.enabled(if: environment["HTTP_TEST_WORKER_URL"] != nil))
    func workerWritesStateWhenSpawned() throws {
        let env = Self.environment
        let url = try #require(env["HTTP_TEST_WORKER_URL"])
        let writes = Int(env["HTTP_TEST_WORKER_WRITES"] ?? "") ?? 0
        let goFile = try #require(env["HTTP_TEST_WORKER_GO"])
        let report = try #require(env["HTTP_TEST_WORKER_REPORT"])
        let name = env["HTTP_TEST_WORKER_NAME"] ?? "w"
        let client = try RetryingClient(settings: ClientSettings(
            baseURL: url, timeouts: CurlTimeouts(connectMilliseconds: 1000, totalMilliseconds: 2000),
            retry: RetryPolicy(maxRetries: 3, baseDelayMilliseconds: 1, maxDelayMilliseconds: 10)))
        let store = HTTPStateStore(client: client, lockTimeoutSeconds: 10, retryInterval: 0.002)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: goFile) && Date() < deadline { usleep(500) }
        var sequences: [Int] = []
        for write in 0..<writes {
            sequences.append(try store.set(stateID: "dev:cross-process", completed: nil, partial: #"{"\#(name)": \#(write)}"#).writeSequence)
        }
        try "\(store.stats.lockWaits)\n\(sequences.map(String.init).joined(separator: ","))".write(toFile: report, atomically: true, encoding: .utf8)
    }
}

/// Two OS processes writing the same job's state through the object store contend on its lock
/// for real (XCTest, on the main thread, so the server's tasks have the cooperative pool).
final class CrossProcessLockTests: XCTestCase {
    func testTwoProcessesWritingOneJobsStateLoseNoUpdateAndLeaveNoLock() throws {
        let server = try startServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("http-cross-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let goFile = folder.appendingPathComponent("go").path
        let writes = 40
        var processes: [(Process, String)] = []
        for index in 0..<2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--testing-library", "swift-testing", "--filter", "workerWritesStateWhenSpawned"]
            let report = folder.appendingPathComponent("report-\(index)").path
            var env = ProcessInfo.processInfo.environment
            env["HTTP_TEST_WORKER_URL"] = "http://127.0.0.1:\(server.port)"
            env["HTTP_TEST_WORKER_WRITES"] = String(writes)
            env["HTTP_TEST_WORKER_GO"] = goFile
            env["HTTP_TEST_WORKER_REPORT"] = report
            env["HTTP_TEST_WORKER_NAME"] = "process\(index)"
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, report))
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: goFile, contents: Data()))
        var sequences: [Int] = []
        var waits = 0
        for (process, report) in processes {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            waits += Int(lines.first ?? "") ?? 0
            sequences += (lines.dropFirst().first ?? "").split(separator: ",").compactMap { Int($0) }
        }
        XCTAssertEqual(sequences.sorted(), Array(1...(2 * writes)))
        let key = FileStateStore.folderName(forStateID: "dev:cross-process")
        let document = try XCTUnwrap(server.store.get(key + "/state.json"))
        XCTAssertTrue(document.text.contains("\"_simulate_writes\":\(2 * writes)"), document.text)
        XCTAssertNil(server.store.get(key + "/lock"))
        // Conditional creates refused while the other process held the lock: real contention.
        print("http backend two processes: \(waits) lock waits, \(server.stats[.state]?.requests ?? 0) state requests")
    }
}
