import Foundation
import XCTest

/// The one rule for files the tool writes (`OutputFile`, docs/usage.md "Files the tool writes")
/// through the real binary: an `--output` that is a FIFO, a device, a folder or in a folder that
/// takes no files is one line of bad input naming the flag and the path, the thing at the path left
/// as it was and nothing half-written; and the release probe's report is input like any file.
final class OutputFileTests: XCTestCase {
    var scratch: URL!
    let matatikaLog = SimulateBinary.repository.appendingPathComponent(
        "scenarios/matatika-logs/OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
    ).path

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// Paths that cannot take a file, each with what the message says: a FIFO, a folder and, when
    /// this user may make one (root), a character device made with mknod.
    func hostileTargets() throws -> [(path: String, expected: String, mode: mode_t?)] {
        let fifo = scratch.appendingPathComponent("out.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let folder = scratch.appendingPathComponent("folder.yaml").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var targets: [(path: String, expected: String, mode: mode_t?)] = [
            (fifo, "is a FIFO, not a file", S_IFIFO), (folder, "is a folder, not a file", S_IFDIR),
            ("/proc/self/out.yaml", "cannot create a file in /proc/self", nil),
        ]
        let device = scratch.appendingPathComponent("dev-null").path
        if mknod(device, S_IFCHR | 0o666, makedev(1, 3)) == 0 {
            targets.append((device, "is a device, not a file", S_IFCHR))
        } else {
            print("skipping the character-device case: mknod failed (\(String(cString: strerror(errno))))")
        }
        return targets
    }

    /// One line naming the flag and the path, exit 2, the target as it was, no temporary file left.
    func assertRefused(
        _ r: SimulateBinary.Output, _ target: (path: String, expected: String, mode: mode_t?),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(r.status, 2, "\(target.path): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(
            r.stderr.hasPrefix("simulate: --output \(target.path): \(target.expected)"), r.stderr, file: file,
            line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        if let mode = target.mode {
            var info = stat()
            XCTAssertEqual(lstat(target.path, &info), 0, file: file, line: line)
            XCTAssertEqual(info.st_mode & S_IFMT, mode, "\(target.path) was replaced", file: file, line: line)
        }
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []).filter {
            $0.hasPrefix(".")
        }
        XCTAssertEqual(left, [], "half-written files", file: file, line: line)
    }

    func testScenarioOutputMustBeARegularFileInAFolderThatTakesFiles() throws {
        for target in try hostileTargets() {
            let r = try SimulateBinary.run(
                [
                    "scenario", "--from-logs", matatikaLog, "--baseline-release", "meltano-3.6.0", "--output",
                    target.path,
                ], in: scratch, timeout: 60)
            assertRefused(r, target)
        }
    }

    func testProfileOutputMustBeARegularFileInAFolderThatTakesFiles() throws {
        let python = try probeInterpreter(report: try probeReport())
        for target in try hostileTargets() {
            let r = try SimulateBinary.run(
                ["profile", "--python", python, "--output", target.path], in: scratch, timeout: 60)
            assertRefused(r, target)
        }
        // The same interpreter into a regular file: written.
        let written = scratch.appendingPathComponent("p.json").path
        let r = try SimulateBinary.run(["profile", "--python", python, "--output", written], in: scratch, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try SimulateBinary.json(URL(fileURLWithPath: written))["name"] as? String, "meltano-4.2.0")
    }

    func testAProbeVersionThatIsNotAReleasesVersionIsRefused() throws {
        // A `scenarios/` folder here makes the profiles folder this one's, so a binary without the
        // check writes where the test sees it, not beside the binary.
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        for version in ["../../../escaped", "4.2.0\u{1B}]0;PWNED\u{07}\nforged line", ".hidden", "4.2.0\n", ""] {
            var report = try probeReport()
            report["meltano_version"] = version
            let python = try probeInterpreter(report: report)
            // No --name, no --output: the version would name the file.
            let r = try SimulateBinary.run(["profile", "--python", python], in: scratch, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(version.debugDescription): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("key 'meltano_version'"), r.stderr)
            XCTAssertFalse(r.stderr.contains("\u{1B}") || r.stderr.contains("\u{07}"), r.stderr.debugDescription)
            XCTAssertFalse((r.stdout + r.stderr).contains("\nforged line"), r.stderr.debugDescription)
            let written = (FileManager.default.subpaths(atPath: scratch.path) ?? []).filter {
                $0.hasSuffix(".json") && !$0.hasPrefix("report-")
            }
            XCTAssertEqual(written, [], "written for \(version.debugDescription)")
        }
    }

    func testProbeCountsOutOfBoundsAreRefusedNamingTheKey() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("catalog.lines_small", { Self.set(&$0, ["catalog", "lines_small"], -299) }),
            ("catalog.handoffs_per_line", { Self.set(&$0, ["catalog", "handoffs_per_line"], -1e308) }),
            (
                "runs.systemdb.entry_point_calls.meltano.settings",
                { Self.set(&$0, ["runs", "systemdb", "entry_point_calls", "meltano.settings"], -7) }
            ),
            ("runs.file.seconds", { Self.set(&$0, ["runs", "file", "seconds"], 1e300) }),
        ]
        for (key, change) in cases {
            var report = try probeReport()
            change(&report)
            let python = try probeInterpreter(report: report)
            let output = scratch.appendingPathComponent("p.json").path
            let r = try SimulateBinary.run(
                ["profile", "--python", python, "--output", output], in: scratch, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(key): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("key '\(key)'"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").last.map(String.init)?.hasPrefix("simulate: "), true)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), key)
        }
    }

    // MARK: - A fake release probe

    /// The probe's report a real release gave (the 4.2.0 profile keeps it).
    func probeReport() throws -> [String: Any] {
        let profile = try SimulateBinary.json(
            SimulateBinary.repository.appendingPathComponent("scenarios/profiles/meltano-4.2.0.json"))
        return try XCTUnwrap(profile["probe"] as? [String: Any])
    }

    /// A shell script that answers the Meltano version check and prints `report` as the probe.
    func probeInterpreter(report: [String: Any]) throws -> String {
        let name = "report-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: report).write(to: scratch.appendingPathComponent(name))
        let file = scratch.appendingPathComponent("python-\(UUID().uuidString)")
        let script = "#!/bin/sh\nif [ \"$1\" = -c ]; then echo 4.2.0; exit 0; fi\ncat '\(scratch.path)/\(name)'\n"
        try Data(script.utf8).write(to: file)
        chmod(file.path, 0o755)
        return file.path
    }

    /// Sets the value at `path` in nested dictionaries.
    static func set(_ object: inout [String: Any], _ path: [String], _ value: Any) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = value
            return
        }
        var inner = object[first] as? [String: Any] ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        object[first] = inner
    }

    /// `makedev` is a macro the Glibc module does not import.
    private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t(minor & 0xFF) | dev_t(major & 0xFFF) << 8 | dev_t(minor & ~0xFF) << 12 | dev_t(major & ~0xFFF) << 32
    }
}
