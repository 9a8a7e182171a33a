import Foundation
import XCTest

/// The real binary with hostile interpreters (small shell scripts): every child process the tool
/// starts ends within its limits, with everything it started, and what it prints reaches the
/// terminal without control sequences (`Subprocess`, docs/usage.md).
final class ChildProcessLimitTests: XCTestCase {
    var scratch: URL!
    /// Where the fake interpreter writes its own pid and its children's.
    var pids: URL { scratch.appendingPathComponent("pids") }
    /// Synthetic environments `calibrate` prepares, shared by the tests of this class.
    static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-e2e-child-cache")
    /// Short limits so that a hang ends in seconds.
    static let shortLimit = ["SIMULATE_CHILD_TIMEOUT": "2"]
    /// A fake interpreter that hangs, with a child of its own.
    static let hanging = "echo $$ >> \"$PIDS\"\nsleep 1000 &\necho $! >> \"$PIDS\"\nwait\n"

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws {
        for pid in recordedPids() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes `body` as an executable shell script and returns its path.
    func interpreter(_ body: String, name: String = "python") throws -> String {
        let file = scratch.appendingPathComponent(name)
        try Data("#!/bin/sh\nPIDS='\(pids.path)'\n\(body)".utf8).write(to: file)
        chmod(file.path, 0o755)
        return file.path
    }

    func recordedPids() -> [pid_t] {
        ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { pid_t($0) }
    }

    /// Every process the fake interpreter recorded has ended.
    func assertNothingLeft(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(2)
        while recordedPids().contains(where: ProcessTable.isAlive) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let left = recordedPids().filter(ProcessTable.isAlive)
        XCTAssertEqual(left.map { ProcessTable.command($0) }, [], "still running: \(message)", file: file, line: line)
        for pid in left { kill(pid, SIGKILL) }  // the next case starts clean
    }

    func calibrate(_ python: String, _ extra: [String] = []) -> [String] {
        [
            "calibrate", "--python", python, "--script", python, "--packages", "2,3", "--repeats", "1",
            "--cache-dir", Self.cache.path, "--output", scratch.appendingPathComponent("profile.json").path,
        ] + extra
    }

    /// The commands that start an interpreter the user names.
    func commands(_ python: String) -> [String: [String]] {
        [
            "scan": ["scan", "--python", python],
            "run": [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--python", python, "--output", scratch.appendingPathComponent("run").path,
            ],
            "calibrate": calibrate(python),
            "profile": ["profile", "--python", python, "--output", scratch.appendingPathComponent("p.json").path],
        ]
    }

    func testAHangingInterpreterIsStoppedWithItsChildrenAtTheTimeLimit() throws {
        let python = try interpreter(Self.hanging)
        for (name, arguments) in commands(python) {
            let started = Date()
            let r = try SimulateBinary.run(arguments, in: scratch, environment: Self.shortLimit, timeout: 30)
            XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("still running after 2 s: stopped"), "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 20, name)
            assertNothingLeft(name)
        }
    }

    func testTheReleaseProbeRunsUnderTheTimeLimitToo() throws {
        // Answers the meltano version check, then hangs in the probe itself.
        let python = try interpreter("if [ \"$1\" = -c ]; then echo 4.0.0; exit 0; fi\n" + Self.hanging)
        let r = try SimulateBinary.run(
            commands(python)["profile"]!, in: scratch, environment: Self.shortLimit, timeout: 30)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("the probe in --python \(python): still running after 2 s"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        assertNothingLeft("profile")
    }

    /// The release probe's interpreter as a careless or hostile one behaves: each case ends in
    /// seconds with one last line of bad input, nothing left running, no control sequence shown.
    func testHostileProbeInterpretersAreBadInputWithNothingLeft() throws {
        let check = "echo $$ >> \"$PIDS\"\nif [ \"$1\" = -c ]; then echo 4.0.0; exit 0; fi\n"
        let cases: [(String, String)] = [
            (check + "cat /dev/zero\n", "printed more than 16 MiB on stdout"),
            (check + "cat /dev/zero >&2\n", "printed more than 16 MiB on stderr"),
            (check + "printf '\\033[31mred\\033]0;t\\007\\n' >&2; exit 1\n", "the probe exited with status 1: red"),
            (check + "sleep 1000 &\necho $! >> \"$PIDS\"\necho not-json\n", "the probe printed no usable report"),
            (check + "kill -SEGV $$\n", "the probe was killed by signal 11"),
            ("echo $$ >> \"$PIDS\"\nkill -KILL $$\n", "not a Python interpreter (was killed by signal 9"),
            ("exit 3\n", "this interpreter has no meltano distribution installed"),
            ("echo $$ >> \"$PIDS\"\nsleep 1000 &\necho $! >> \"$PIDS\"\nexec sleep 1000\n", "still running after 2 s"),
        ]
        for (index, (body, expected)) in cases.enumerated() {
            let python = try interpreter(body, name: "probe-\(index)")
            let started = Date()
            let r = try SimulateBinary.run(
                ["profile", "--python", python, "--output", scratch.appendingPathComponent("p.json").path],
                in: scratch, environment: Self.shortLimit, timeout: 30)
            let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertEqual(r.status, 2, "case \(index): \(r.stderr.suffix(300))")
            XCTAssertTrue(last.hasPrefix("simulate: ") && last.contains(expected), "case \(index): \(last)")
            XCTAssertFalse(r.stderr.contains("\u{1B}") || r.stderr.contains("\u{07}"), "case \(index)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 20, "case \(index)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("p.json").path))
            assertNothingLeft("case \(index)")
        }
    }

    func testAChildHoldingTheInterpretersOutputDoesNotHoldUpTheTool() throws {
        for (stream, redirect) in [("stdout", "2>/dev/null"), ("stderr", ">/dev/null")] {
            let python = try interpreter("sleep 1000 \(redirect) &\necho $! >> \"$PIDS\"\necho '[]'\n")
            let started = Date()
            // The default limits: the tool must not wait for the child at all.
            let r = try SimulateBinary.run(["scan", "--python", python], in: scratch, timeout: 30)
            XCTAssertEqual(r.status, 0, "\(stream): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\"distributions\": []"), r.stdout)
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, stream)
            assertNothingLeft(stream)
        }
    }

    func testEndlessOutputIsStoppedAtTheOutputLimit() throws {
        let python = try interpreter("echo $$ >> \"$PIDS\"\ncat /dev/zero\n")
        let toStderr = try interpreter("echo $$ >> \"$PIDS\"\ncat /dev/zero >&2\n", name: "python-err")
        for (arguments, expected) in [
            (["scan", "--python", python], "printed more than 1 MiB on stdout"),
            (calibrate(python), "printed more than 16 MiB on stdout"),
            (calibrate(toStderr), "printed more than 16 MiB on stderr"),
        ] {
            let started = Date()
            let r = try SimulateBinary.run(arguments, in: scratch, timeout: 30)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr.suffix(300))")
            XCTAssertTrue(r.stderr.contains(expected), String(r.stderr.suffix(300)))
            XCTAssertLessThan(Date().timeIntervalSince(started), 20)
            assertNothingLeft("\(arguments)")
        }
    }

    func testEscapeSequencesInWhatTheInterpreterPrintsAreStripped() throws {
        let hostile =
            #"printf '\033]0;owned\007\033[31mred\033[0m \033]8;;http://x\033\\link\033]8;;\033\\ \302\233?25l\r\n' >&2"#
        let failing = try interpreter("\(hostile)\nexit 1\n")
        let measuringNothing = try interpreter("\(hostile)\nexit 0\n", name: "python-zero")
        for arguments in [["scan", "--python", failing], calibrate(failing), calibrate(measuringNothing)] {
            let r = try SimulateBinary.run(arguments, in: scratch, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("red link"), r.stderr)
            for control in ["\u{1B}", "\u{07}", "\u{9B}", "\r"] {
                XCTAssertFalse(r.stderr.contains(control), "\(arguments): \(r.stderr.debugDescription)")
            }
        }
    }

    func testCtrlCOrSIGTERMWhileTheInterpreterRunsEndsItsWholeGroup() throws {
        let python = try interpreter(Self.hanging)
        for (arguments, signal) in [(calibrate(python), SIGINT), (["scan", "--python", python], SIGTERM)] {
            try? FileManager.default.removeItem(at: pids)
            let process = try SimulateBinary.start(arguments, in: scratch)
            let deadline = Date().addingTimeInterval(30)
            while recordedPids().count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            XCTAssertEqual(recordedPids().count, 2, "the interpreter did not start")
            XCTAssertTrue(
                SimulateBinary.signal(process, signal, endsWithin: 10), "\(arguments[0]) still running after the signal"
            )
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            XCTAssertEqual(process.terminationStatus, signal)
            assertNothingLeft(arguments[0])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter {
                $0.contains("partial")
            }
            XCTAssertEqual(leftovers, [])
        }
    }

    func testCalibrateRefusesAUnitOfAbsurdSizeAndSoDoesARun() throws {
        let unit = #"{"format":1,"name":"x","units":{"scan.fixed_us":{"value":1e300}}}"#
        let python = try interpreter("printf '%s' '\(unit)' > \"$3\"\n")
        let r = try SimulateBinary.run(
            [
                "calibrate", "--python", python, "--script", python, "--packages", "2,3", "--cache-dir",
                Self.cache.path,
                "--output", "profile.json",
            ], in: scratch, timeout: 60)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("profile.json: key 'units.scan.fixed_us.value'"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("profile.json").path))

        let file = scratch.appendingPathComponent("absurd.json")
        try Data(unit.utf8).write(to: file)
        let run = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--cost-profile", "cpython", "--set", "cost_file=\(file.path)",
                "--output", scratch.appendingPathComponent("run").path,
            ], in: scratch, timeout: 120)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("simulate: \(file.path): key 'units.scan.fixed_us.value'"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run").path))
    }

    func testCalibrateOutputMustBeARegularFile() throws {
        let unit = #"{"format":1,"name":"x","units":{"scan.fixed_us":{"value":1}}}"#
        let python = try interpreter("printf '%s' '\(unit)' > \"$3\"\n")
        let folder = scratch.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var targets = [(folder.path, "is a folder, not a file")]
        let device = scratch.appendingPathComponent("null")
        if mknod(device.path, S_IFCHR | 0o666, makedev(1, 3)) == 0 {
            targets.append((device.path, "is a device, not a file"))
        } else {
            print("skipping the character-device case: mknod failed (\(String(cString: strerror(errno))))")
        }
        for (target, expected) in targets {
            let arguments = calibrate(python).dropLast(2) + ["--output", target]
            let r = try SimulateBinary.run(Array(arguments), in: scratch, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(target): \(r.stderr)")
            XCTAssertEqual(r.stderr, "simulate: --output \(target): \(expected)\n")
        }
        if targets.count == 2 {
            var info = stat()
            XCTAssertEqual(stat(device.path, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "the device was replaced")
        }
    }

    /// `makedev` is a macro the Glibc module does not import.
    private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t(minor & 0xFF) | dev_t(major & 0xFFF) << 8 | dev_t(minor & ~0xFF) << 12 | dev_t(major & ~0xFFF) << 32
    }
}
