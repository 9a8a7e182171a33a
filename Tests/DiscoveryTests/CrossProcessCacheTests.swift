import Discovery
import Environment
import Foundation
import Model
import Testing

/// Concurrent writers from several OS processes: the test binary re-runs itself (fork is unsafe
/// in Swift) with a filter selecting `workerRunsTheScriptWhenSpawned`, which only runs when the
/// worker environment variables are set. Each process is its own `meltano run`.
@Suite struct CrossProcessCacheTests {
    private static let environment = ProcessInfo.processInfo.environment

    /// Worker side: waits for the go file, runs the scripted invocation, reports what it did.
    @Test(.enabled(if: environment["DISCOVERY_TEST_WORKER_SITE"] != nil))
    func workerRunsTheScriptWhenSpawned() throws {
        let env = Self.environment
        let site = try #require(env["DISCOVERY_TEST_WORKER_SITE"])
        let cache = try #require(env["DISCOVERY_TEST_WORKER_CACHE"])
        let strategy = try #require(DiscoveryStrategy(rawValue: env["DISCOVERY_TEST_WORKER_STRATEGY"] ?? ""))
        let goFile = try #require(env["DISCOVERY_TEST_WORKER_GO"])
        let report = try #require(env["DISCOVERY_TEST_WORKER_REPORT"])
        let scanner = EntryPointScanner(pathEntries: [site])
        let session = DiscoverySession(
            strategy: strategy, pathEntries: [site],
            persistentCacheDirectory: URL(fileURLWithPath: cache)
        ) { scanner.scan() }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: goFile) && Date() < deadline { usleep(200) }
        let outcome = runScript(session)
        let c = session.counters
        let text = "\(c.scans) \(c.persistentHits) \(c.persistentMisses)\n" + outcome.backends[0].joined(separator: ",")
        try text.write(toFile: report, atomically: true, encoding: .utf8)
    }

    struct Report {
        var scans: Int
        var hits: Int
        var misses: Int
        var backends: [String]
    }

    /// Parent side: starts `count` processes, releases them at once, and collects their reports.
    private func race(_ fixture: Fixture, _ strategy: DiscoveryStrategy, count: Int, round: Int) throws -> [Report] {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let goFile = fixture.root.path + "/go-\(round)"
        var processes: [(Process, String)] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--testing-library", "swift-testing", "--filter", "workerRunsTheScriptWhenSpawned"]
            let report = fixture.root.path + "/report-\(round)-\(index)"
            var env = ProcessInfo.processInfo.environment
            env["DISCOVERY_TEST_WORKER_SITE"] = fixture.site
            env["DISCOVERY_TEST_WORKER_CACHE"] = fixture.cacheDirectory.path
            env["DISCOVERY_TEST_WORKER_STRATEGY"] = strategy.rawValue
            env["DISCOVERY_TEST_WORKER_GO"] = goFile
            env["DISCOVERY_TEST_WORKER_REPORT"] = report
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, report))
        }
        Thread.sleep(forTimeInterval: 0.3)  // let every process reach its wait loop
        #expect(FileManager.default.createFile(atPath: goFile, contents: Data()))
        var reports: [Report] = []
        for (process, report) in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let lines = try String(contentsOfFile: report, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            let numbers = lines[0].split(separator: " ").compactMap { Int($0) }
            try #require(numbers.count == 3)
            reports.append(
                Report(
                    scans: numbers[0], hits: numbers[1], misses: numbers[2],
                    backends: lines[1].split(separator: ",").map(String.init)))
        }
        return reports
    }

    @Test(arguments: [DiscoveryStrategy.persistent, .persistentStrict])
    func processesRacingForAnEmptyOrChangedCacheScanOnceAndAgree(strategy: DiscoveryStrategy) throws {
        let fixture = try Fixture(packages: 200)
        let builtIn = ["systemdb", "azure", "file", "gs", "s3"]

        let first = try race(fixture, strategy, count: 4, round: 1)
        #expect(first.map(\.scans).reduce(0, +) == 1)
        #expect(first.map(\.misses).reduce(0, +) == 1 && first.map(\.hits).reduce(0, +) == 3)
        #expect(first.allSatisfy { $0.backends == builtIn })

        // An install between two waves: exactly one process rescans, none answers from the old file.
        try fixture.install("meltano_dbm-0.1.dist-info", backend: "dbm")
        let second = try race(fixture, strategy, count: 4, round: 2)
        #expect(second.map(\.scans).reduce(0, +) == 1)
        #expect(second.allSatisfy { $0.backends == builtIn + ["dbm"] })

        // A removal: the same.
        try fixture.uninstall("meltano_dbm-0.1.dist-info")
        let third = try race(fixture, strategy, count: 4, round: 3)
        #expect(third.map(\.scans).reduce(0, +) == 1)
        #expect(third.allSatisfy { $0.backends == builtIn })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.cacheDirectory.path).filter {
            $0.hasPrefix(".tmp-")
        }
        #expect(leftovers.isEmpty)  // every write was renamed into place
    }
}
