import Foundation
import XCTest

/// No input exhausts memory or CPU, through the real binary: an alias bomb in a scenario key,
/// metadata files that are devices or huge, counts past their bounds, an over-long event line, a
/// worker that maps too much, and scratch files of workers killed at their timeout.
final class BoundsTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    /// A smoke run into a fresh folder; `arguments` come last.
    func runArguments(_ folder: URL, _ arguments: [String]) -> [String] {
        [
            "--scenario", smoke, "--output", folder.path, "--cache-dir",
            scratch.appendingPathComponent("cache").path,
        ] + arguments
    }

    func testAliasBombAsAKeyIsRejectedInWellUnderASecondOfCPU() throws {
        let anchors =
            ["&a0 [" + Array(repeating: "lol", count: 10).joined(separator: ",") + "]"]
            + (1..<10).map { "&a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ",") + "]" }
        let file = scratch.appendingPathComponent("bomb.yaml")
        try Data("name: bomb\n? [\(anchors.joined(separator: ", "))]\n: 1\n".utf8).write(to: file)
        let r = try MeasuredRun.run(
            ["--scenario", file.path, "--output", scratch.appendingPathComponent("out").path], timeout: 30)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(
            r.stderr,
            "simulate: \(file.path):2: key '?': more than 300000 YAML nodes with aliases expanded "
                + "(the limit of a scenario file)\n")
        XCTAssertLessThan(r.cpuSeconds, 0.9, "CPU time of the rejection")
    }

    func testEveryCountPastItsBoundIsOneLineOfBadInput() throws {
        let over = [
            "catalog_lines": "100000001", "catalog_sample_lines": "1000001", "invocations": "100001",
            "workers": "257", "packages": "100001", "state_messages": "100000001", "state_sample_messages": "100001",
            "http.sample_pages": "100001", "http.pages": "100000001", "microbench.backends_calls": "100001",
            "worker_memory_limit_mb": "1048577",
        ]
        for (key, value) in over.sorted(by: { $0.key < $1.key }) {
            let folder = scratch.appendingPathComponent("out-\(key)")
            let r = try SimulateBinary.run(runArguments(folder, ["--set", "\(key)=\(value)"]))
            XCTAssertEqual(r.status, 2, "\(key): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(
                r.stderr.hasPrefix("simulate: command line (--set): key '\(key)': value \(value) is above the limit "),
                r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
        }
        let keys = try SimulateBinary.run(["keys"])
        XCTAssertTrue(
            keys.stdout.contains("catalog_sample_lines (integer 1...1000000, default 400)\n"), keys.stdout)
        XCTAssertTrue(keys.stdout.contains("    at most 1000000: written to a scratch file"), keys.stdout)
    }

    /// A site-packages whose one extra distribution has `entry_points.txt` as `target`.
    func sitePackages(entryPoints target: (String) throws -> Void) throws -> String {
        let site = scratch.appendingPathComponent("site-packages").path
        let folder = site + "/evil-1.0.dist-info"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n".utf8).write(
            to: URL(fileURLWithPath: folder + "/METADATA"))
        try target(folder + "/entry_points.txt")
        return site
    }

    /// A run over `site` must finish, complete, with every process under 150 MiB at its peak (a
    /// normal smoke run peaks near 60 MiB; reading the file whole would take at least its size).
    func assertBoundedRun(site: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = scratch.appendingPathComponent("run")
        let r = try MeasuredRun.run(
            runArguments(
                folder,
                [
                    "--site-packages", site, "--variants", "meltano-3.6.0,meltano-3.7.9", "--invocations", "2",
                    "--set", "worker_timeout_seconds=20",
                ]))
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        XCTAssertLessThan(r.maxRSSMiB, 150, "peak RSS of the coordinator and every worker", file: file, line: line)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let environment = summary["environment"] as? [String: Any]
        XCTAssertTrue(
            (environment?["description"] as? String)?.contains(
                "1 entry_points.txt skipped unread by every scan (over 1 MiB or not a regular file)") == true,
            "\(environment ?? [:])", file: file, line: line)
    }

    func testEntryPointsLinkedToDevZeroIsSkippedAndWorkersStaySmall() throws {
        let site = try sitePackages {
            try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: "/dev/zero")
        }
        try assertBoundedRun(site: site)
        let scan = try SimulateBinary.run(["scan", site], timeout: 60)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        XCTAssertTrue(
            scan.stderr.contains("1 metadata file(s) skipped unread, over 1 MiB or not a regular file"), scan.stderr)
    }

    func testA200MBEntryPointsFileIsSkippedAndWorkersStaySmall() throws {
        let site = try sitePackages { path in
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
            XCTAssertEqual(truncate(path, 200 << 20), 0)  // sparse: no 200 MB written to disk
        }
        try assertBoundedRun(site: site)
    }

    func testNoScratchFileRemainsAfterWorkersAreKilledAtTheirTimeout() throws {
        let folder = scratch.appendingPathComponent("run")
        // A million thread-hop writes take seconds: both workers are killed mid-write.
        let r = try SimulateBinary.run(
            runArguments(
                folder,
                [
                    "--variants", "meltano-3.6.0,meltano-3.7.9", "--invocations", "1", "--set",
                    "catalog_write=thread-hop", "--set", "catalog_lines=1000000", "--set",
                    "catalog_sample_lines=1000000", "--set", "worker_timeout_seconds=1",
                ]))
        XCTAssertEqual(r.status, 3, r.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual((summary["failures"] as? [String: Any])?["worker_timeouts"] as? Int, 2)
        let left =
            FileManager.default.enumerator(atPath: folder.appendingPathComponent("work/scratch").path)?
            .allObjects as? [String]
        XCTAssertEqual(left, [], "scratch files of killed workers")
    }

    func testAnOverlongEventLineIsAProtocolErrorAndTheRunIncomplete() throws {
        let folder = scratch.appendingPathComponent("run")
        let r = try SimulateBinary.run(
            runArguments(folder, []), environment: ["SIMULATE_WORKER_FAULT": "overlong@1"], timeout: 120)
        XCTAssertEqual(r.status, 3, r.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        XCTAssertEqual(summary["complete"] as? Bool, false)
        XCTAssertEqual((summary["failures"] as? [String: Any])?["malformed_lines"] as? Int, 1)
        let events = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8)
        XCTAssertTrue(events.contains("protocol error: a line of 1048577 bytes, over the limit of 1048576: xxxx"))
        XCTAssertLessThan(events.utf8.count, 512 * 1024, "the line itself is not kept")
    }

    func testAWorkerMappingPastItsMemoryLimitFailsAloneInBothSpawnModes() throws {
        for spawn in ["zygote", "exec"] {
            let folder = scratch.appendingPathComponent("run-\(spawn)")
            let r = try SimulateBinary.run(
                runArguments(folder, ["--set", "worker_spawn=\(spawn)"]),
                environment: ["SIMULATE_WORKER_FAULT": "hog@1"],
                timeout: 120)
            XCTAssertEqual(r.status, 3, "\(spawn): \(r.stderr)")
            let failures =
                try SimulateBinary.json(folder.appendingPathComponent("summary.json"))["failures"] as? [String: Any]
            XCTAssertEqual(failures?["worker_exits"] as? Int, 1, spawn)
            XCTAssertEqual(failures?["lost_invocations"] as? Int, 1, spawn)
        }
    }
}

/// The binary run to its end with `posix_spawn` and `wait4`, whose resource usage covers it and
/// every descendant it reaped (workers, the zygote): peak RSS and CPU time of the whole run.
struct MeasuredRun {
    let status: Int32
    let stderr: String
    let maxRSSMiB: Double
    let cpuSeconds: Double

    /// Runs `simulate arguments...`; killed (and failed) after `timeout` seconds.
    static func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> MeasuredRun {
        let errorFile = try SimulateBinary.temporaryFolder().appendingPathComponent("stderr")
        defer { try? FileManager.default.removeItem(at: errorFile.deletingLastPathComponent()) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let executable = SimulateBinary.url.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        var usage = rusage()
        let deadline = Date().addingTimeInterval(timeout)
        while wait4(pid, &status, WNOHANG, &usage) == 0 {
            if Date() > deadline {
                XCTFail("simulate \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
                kill(pid, SIGKILL)
                while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
                break
            }
            usleep(10_000)
        }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return MeasuredRun(
            status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "",
            maxRSSMiB: Double(usage.ru_maxrss) / 1024, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }
}
