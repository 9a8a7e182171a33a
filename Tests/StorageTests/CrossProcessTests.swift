import Foundation
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
        let goFile = try #require(env["STORAGE_TEST_WORKER_GO"])
        let report = try #require(env["STORAGE_TEST_WORKER_REPORT"])
        let name = env["STORAGE_TEST_WORKER_NAME"] ?? "w"

        let store: any StateStore = kind == "file"
            ? try FileStateStore(root: target, retryInterval: 0.001)
            : try SystemDatabase(path: target)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: goFile) && Date() < deadline { usleep(500) }

        var sequences: [Int] = []
        var waits = 0
        for write in 0..<writes {
            let receipt = try store.set(stateID: "dev:cross-process", completed: nil,
                                        partial: #"{"\#(name)": \#(write)}"#)
            sequences.append(receipt.writeSequence)
            waits += receipt.busyWaits + receipt.lockWaits
        }
        let text = "\(waits)\n" + sequences.map(String.init).joined(separator: ",")
        try text.write(toFile: report, atomically: true, encoding: .utf8)
    }

    /// Parent side: spawns `count` workers and returns (all sequences, total waits).
    private func spawnWorkers(kind: String, target: String, count: Int, writes: Int,
                              folder: TemporaryFolder) throws -> (sequences: [Int], waits: Int) {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let goFile = folder.file("go")
        var processes: [(Process, String)] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--testing-library", "swift-testing", "--filter", "workerWritesStateWhenSpawned"]
            let report = folder.file("report-\(index)")
            var env = ProcessInfo.processInfo.environment
            env["STORAGE_TEST_WORKER_TARGET"] = target
            env["STORAGE_TEST_WORKER_KIND"] = kind
            env["STORAGE_TEST_WORKER_WRITES"] = String(writes)
            env["STORAGE_TEST_WORKER_GO"] = goFile
            env["STORAGE_TEST_WORKER_REPORT"] = report
            env["STORAGE_TEST_WORKER_NAME"] = "process\(index)"
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, report))
        }
        // Start together so the writes overlap.
        #expect(FileManager.default.createFile(atPath: goFile, contents: Data()))
        var sequences: [Int] = []
        var waits = 0
        for (process, report) in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            waits += Int(lines.first ?? "") ?? 0
            sequences += (lines.dropFirst().first ?? "").split(separator: ",").compactMap { Int($0) }
        }
        return (sequences, waits)
    }

    @Test func twoProcessesOnTheSystemDatabaseLoseNoUpdate() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("meltano.db")
        try SystemDatabase.create(at: path)

        let result = try spawnWorkers(kind: "systemdb", target: path, count: 2, writes: 200, folder: folder)
        let final = try #require(try SystemDatabase(path: path).get(stateID: "dev:cross-process"))
        #expect(final.writeCount == 400)
        #expect(result.sequences.sorted() == Array(1...400))
        print("systemdb two processes: \(result.waits) busy waits/retries")
    }

    @Test func twoProcessesOnTheFileBackendLoseNoUpdate() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
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
