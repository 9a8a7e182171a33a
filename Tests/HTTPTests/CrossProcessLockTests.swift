import Foundation
import Model
import Storage
import TestSupport
import Testing
import XCTest

@testable import HTTP

/// The worker side of `CrossProcessLockTests`, run only in the copies of the test binary the
/// parent spawns (`TestWorkers`), enabled by `HTTP_TEST_WORKER_URL`. A client only: the server
/// is the parent's.
@Suite struct CrossProcessLockWorker {
    private static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["HTTP_TEST_WORKER_URL"] != nil))
    func httpWorkerWritesStateWhenSpawned() throws {
        let env = Self.environment
        let client = try RetryingClient(
            settings: ClientSettings(
                baseURL: try #require(env["HTTP_TEST_WORKER_URL"]),
                timeouts: CurlTimeouts(connectMilliseconds: 1000, totalMilliseconds: 2000),
                retry: RetryPolicy(maxRetries: 3, baseDelayMilliseconds: 1, maxDelayMilliseconds: 10)))
        let store = HTTPStateStore(client: client, lockTimeoutSeconds: 10, retryInterval: 0.002)
        let name = env["HTTP_TEST_WORKER_NAME"] ?? "w"
        TestWorkers.waitForGo()
        var sequences: [Int] = []
        for write in 0..<(Int(env["HTTP_TEST_WORKER_WRITES"] ?? "") ?? 0) {
            sequences.append(
                try store.set(stateID: "dev:cross-process", completed: nil, partial: #"{"\#(name)": \#(write)}"#)
                    .writeSequence)
        }
        try TestWorkers.report(waits: store.stats.lockWaits, sequences: sequences)
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
        let writes = 40
        let reports = try TestWorkers.run(count: 2, filter: "httpWorkerWritesStateWhenSpawned", folder: folder.path) {
            index in
            [
                "HTTP_TEST_WORKER_URL": "http://127.0.0.1:\(server.port)", "HTTP_TEST_WORKER_WRITES": String(writes),
                "HTTP_TEST_WORKER_NAME": "process\(index)",
            ]
        }
        XCTAssertEqual(reports.map(\.status), [0, 0])
        XCTAssertEqual(reports.flatMap(\.sequences).sorted(), Array(1...(2 * writes)))
        let key = FileStateStore.folderName(forStateID: "dev:cross-process")
        let document = try XCTUnwrap(server.store.get(key + "/state.json"))
        XCTAssertTrue(document.text.contains("\"_simulate_writes\":\(2 * writes)"), document.text)
        XCTAssertNil(server.store.get(key + "/lock"))
        print(
            "http backend two processes: \(reports.reduce(0) { $0 + $1.waits }) lock waits, "
                + "\(server.stats[.state]?.requests ?? 0) state requests")
    }
}
