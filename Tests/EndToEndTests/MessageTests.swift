import Foundation
import Model
import XCTest

/// Every path on the command line is checked before the run starts: one line naming the flag (or
/// the file), the path and what is wrong, exit status 2, no raw error dump, nothing left behind.
final class MessageTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }
    var root: URL { scratch.appendingPathComponent("runs") }

    /// Runs the smoke scenario with `flags` (its runs under `root`), expecting bad input.
    func refused(_ flags: [String], scenario: String? = nil) throws -> String {
        let result = try SimulateBinary.run(
            ["--scenario", scenario ?? smoke, "--output-root", root.path] + flags, in: scratch, timeout: 120)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
        XCTAssertFalse(result.stderr.contains("Error Domain"), result.stderr)
        XCTAssertFalse(result.stderr.contains("NSError"), result.stderr)
        let made = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        XCTAssertTrue(made.allSatisfy { $0.hasPrefix(".") }, "a run folder was left behind: \(made)")
        return result.stderr
    }

    func testScenarioThatIsADeviceAFIFOOrASymlinkLoopIsNamedForWhatItIs() throws {
        XCTAssertEqual(try refused([], scenario: "/dev/zero"), "simulate: /dev/zero: is a device, not a file\n")
        let fifo = scratch.appendingPathComponent("fifo.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(try refused([], scenario: fifo), "simulate: \(fifo): is a FIFO, not a file\n")
        let loop = scratch.appendingPathComponent("loop.yaml").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        XCTAssertEqual(try refused([], scenario: loop), "simulate: \(loop): symlink loop\n")
    }

    func testOutputFoldersThatCannotBeMadeAreRefusedBeforeTheRun() throws {
        XCTAssertEqual(
            try refused(["--output", "/proc/simulate-output"]),
            "simulate: --output /proc/simulate-output: cannot create folder: /proc does not accept new folders "
                + "(a virtual file system?)\n")
        let dangling = scratch.appendingPathComponent("dangling").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "/nonexistent/target")
        XCTAssertEqual(
            try refused(["--output", dangling]),
            "simulate: --output \(dangling): is a dangling symlink (its target does not exist)\n")
        XCTAssertEqual(
            try refused(["--cache-dir", "/proc/simulate-cache"]),
            "simulate: --cache-dir /proc/simulate-cache: cannot create folder: /proc does not accept new folders "
                + "(a virtual file system?)\n")
        let file = scratch.appendingPathComponent("a-file")
        try Data().write(to: file)
        XCTAssertEqual(
            try refused(["--output-root", file.path + "/runs"]),
            "simulate: --output-root \(file.path)/runs: cannot create it: \(file.path) is a file, not a folder\n")
    }

    /// Checked before the run, not after it: no run folder appears.
    func testExportPathsAreCheckedBeforeTheRun() throws {
        let missing = scratch.appendingPathComponent("no-such-folder/summary.json").path
        XCTAssertEqual(
            try refused(["--export-json", missing]),
            "simulate: --export-json \(missing): its folder \(scratch.path)/no-such-folder does not exist\n")
        // A device node of the test's own (/dev/null itself would be replaced by an atomic write if
        // the check ever failed): before, the export renamed a regular file over it.
        let device = scratch.appendingPathComponent("null-device").path
        // Device 1:3 (what /dev/null is), needs root; the check is skipped without it.
        if mknod(device, mode_t(S_IFCHR) | 0o666, (1 << 8) | 3) == 0 {
            XCTAssertEqual(
                try refused(["--export-csv", device]), "simulate: --export-csv \(device): is a device, not a file\n")
            let type = try FileManager.default.attributesOfItem(atPath: device)[.type] as? FileAttributeType
            XCTAssertEqual(type, .typeCharacterSpecial, "the device node is still one")
        }
        XCTAssertEqual(
            try refused(["--export-markdown", scratch.path]),
            "simulate: --export-markdown \(scratch.path): is a folder, not a file\n")
    }

    /// A start that fails after the run folder was made (here: the cached environment's folder is a
    /// link to nowhere, which no up-front check looks into) removes the folder again.
    func testAFailedStartLeavesNoRunFolderBehind() throws {
        let cache = scratch.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: cache.appendingPathComponent("env-20-7-\(EnvironmentShape.meltano379.tag)").path,
            withDestinationPath: "/proc/nonexistent")
        let result = try SimulateBinary.run(
            ["--scenario", smoke, "--output-root", root.path, "--cache-dir", cache.path], timeout: 120)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [], [])
    }

    func testSitePackagesThatIsMissingOrHoldsNoDistributionIsBadInput() throws {
        XCTAssertEqual(
            try refused(["--site-packages", "/nonexistent/site-packages"]),
            "simulate: command line (--site-packages): key 'site_packages': /nonexistent/site-packages: "
                + "no such file or folder\n")
        let empty = scratch.appendingPathComponent("empty-site-packages")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let message = try refused(["--site-packages", empty.path])
        XCTAssertTrue(message.contains("no distribution (*.dist-info or *.egg-info folder) in \(empty.path)"), message)
    }

    /// An interpreter that measures nothing never leaves a profile looking fresh, and says what it printed.
    func testCalibrateWithAnInterpreterThatMeasuresNothingSaysSo() throws {
        let profile = scratch.appendingPathComponent("profile.json")
        try Data("{\"format\": 1, \"older\": true}".utf8).write(to: profile)
        let common = ["calibrate", "--packages", "2,3", "--cache-dir", scratch.appendingPathComponent("cache").path]
        let quiet = try SimulateBinary.run(
            common + ["--python", "/bin/true", "--output", profile.path], in: SimulateBinary.repository)
        XCTAssertEqual(quiet.status, 2, quiet.stdout + quiet.stderr)
        XCTAssertEqual(quiet.stderr, "simulate: --python /bin/true: measured nothing (it printed nothing)\n")
        XCTAssertFalse(quiet.stdout.contains("written"), quiet.stdout)
        let failing = try SimulateBinary.run(
            common + ["--python", "/bin/false", "--output", profile.path], in: SimulateBinary.repository)
        XCTAssertEqual(failing.status, 2, failing.stdout + failing.stderr)
        XCTAssertEqual(failing.stderr, "simulate: --python /bin/false: exited with status 1 (it printed nothing)\n")
        let chatty = scratch.appendingPathComponent("chatty.sh")
        try Data("#!/bin/sh\necho 'not a python' >&2\n".utf8).write(to: chatty)
        XCTAssertEqual(chmod(chatty.path, 0o755), 0)
        let printed = try SimulateBinary.run(
            common + ["--python", chatty.path, "--output", profile.path], in: SimulateBinary.repository)
        XCTAssertEqual(printed.status, 2, printed.stdout + printed.stderr)
        XCTAssertTrue(
            printed.stderr.hasSuffix(
                "simulate: --python \(chatty.path): measured nothing (its last line: not a python)\n"),
            printed.stderr)
        XCTAssertEqual(try String(contentsOf: profile, encoding: .utf8), "{\"format\": 1, \"older\": true}")
    }
}
