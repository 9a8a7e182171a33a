import Foundation
import TestSupport
import Testing

@testable import Storage

/// Contention between real OS processes: the test binary re-runs itself (fork is unsafe in
/// Swift) with a filter selecting `workerWritesStateWhenSpawned`, which only runs when the
/// worker environment variables are set.
@Suite struct CrossProcessTests {
    private static let environment = ProcessInfo.processInfo.environment

    /// Worker side: waits for the go file, does N writes, reports sequences and waits.
    @Test(.enabled(if: environment["STORAGE_TEST_WORKER_TARGET"] != nil))
    func workerWritesStateWhenSpawned() throws {
        let env = Self.environment
        let target = try #require(env["STORAGE_TEST_WORKER_TARGET"])
        let kind = env["STORAGE_TEST_WORKER_KIND"] ?? "systemdb"
        let writes = Int(env["STORAGE_TEST_WORKER_WRITES"] ?? "") ?? 0
        let name = env["STORAGE_TEST_WORKER_NAME"] ?? "w"

        let store: any StateStore =
            kind == "file"
            ? try FileStateStore(root: target, retryInterval: 0.001)
            : try SystemDatabase(path: target)
        TestWorkers.waitForGo()
        var sequences: [Int] = []
        var waits = 0
        for write in 0..<writes {
            let receipt = try store.set(
                stateID: "dev:cross-process", completed: nil,
                partial: #"{"\#(name)": \#(write)}"#)
            sequences.append(receipt.writeSequence)
            waits += receipt.busyWaits + receipt.lockWaits
        }
        try TestWorkers.report(waits: waits, sequences: sequences)
    }

    /// Parent side: spawns `count` workers and returns (all sequences, total waits).
    private func spawnWorkers(
        kind: String, target: String, count: Int, writes: Int,
        folder: TemporaryDirectory
    ) throws -> (sequences: [Int], waits: Int) {
        let reports = try TestWorkers.run(count: count, filter: "workerWritesStateWhenSpawned", folder: folder.path) {
            index in
            [
                "STORAGE_TEST_WORKER_TARGET": target, "STORAGE_TEST_WORKER_KIND": kind,
                "STORAGE_TEST_WORKER_WRITES": String(writes), "STORAGE_TEST_WORKER_NAME": "process\(index)",
            ]
        }
        for report in reports { #expect(report.status == 0) }
        return (reports.flatMap(\.sequences), reports.reduce(0) { $0 + $1.waits })
    }

    @Test func twoProcessesOnTheSystemDatabaseLoseNoUpdate() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)

        let result = try spawnWorkers(kind: "systemdb", target: path, count: 2, writes: 200, folder: folder)
        let final = try #require(try SystemDatabase(path: path).get(stateID: "dev:cross-process"))
        #expect(final.writeCount == 400)
        #expect(result.sequences.sorted() == Array(1...400))
        print("systemdb two processes: \(result.waits) busy waits/retries")
    }

    @Test func twoProcessesOnTheFileBackendLoseNoUpdate() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.file("state")

        let result = try spawnWorkers(kind: "file", target: root, count: 2, writes: 50, folder: folder)
        let store = try FileStateStore(root: root)
        let final = try #require(try store.get(stateID: "dev:cross-process"))
        #expect(final.writeCount == 100)
        #expect(result.sequences.sorted() == Array(1...100))
        #expect(!FileManager.default.fileExists(atPath: store.lockPath(forStateID: "dev:cross-process")))
        print("file backend two processes: \(result.waits) lock waits")
    }
}
