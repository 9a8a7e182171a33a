import Foundation
import XCTest

/// Logs the tool reads, given as a careless or hostile user would (issue 21): a FIFO with no
/// writer, a device, runs spanning the years 1 to 9999, more runs than are kept. Each answer is
/// bounded: exit 2 in seconds for what is not a file, never a trap.
final class LogInputBoundsTests: XCTestCase {
    var folder: URL!
    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }
    var okLog: String {
        SimulateBinary.repository.appendingPathComponent(
            "scenarios/matatika-logs/OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
        ).path
    }

    override func setUpWithError() throws { folder = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A FIFO nobody writes to.
    func fifo(_ name: String = "fifo.log") -> String {
        let path = folder.appendingPathComponent(name).path
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        return path
    }

    /// A log made by scripts/hostile-logs.
    func hostile(_ shape: String, megabytes: Double = 1) throws -> String {
        let path = folder.appendingPathComponent("\(shape).log").path
        let script = SimulateBinary.repository.appendingPathComponent("scripts/hostile-logs").path
        let process = try Process.run(URL(fileURLWithPath: script), arguments: [shape, path, "\(megabytes)"])
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return path
    }

    func testTimelineOfAFIFOIsRefusedAtOnce() throws {
        let path = fifo()
        let r = try SimulateBinary.run(["timeline", path], timeout: 10)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "simulate: \(path): is a FIFO, not a file\n")
        XCTAssertEqual(r.stdout, "")
    }

    func testTimelineOfADeviceIsRefused() throws {
        let r = try SimulateBinary.run(["timeline", "/dev/zero"], timeout: 10)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "simulate: /dev/zero: is a device, not a file\n")
    }

    func testAComparisonWithAFIFOIsRefusedAtOnce() throws {
        let path = fifo()
        let r = try SimulateBinary.run(["timeline", "--baseline", okLog, "--regressed", path], timeout: 10)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "simulate: \(path): is a FIFO, not a file\n")
    }

    func testAScenarioWhoseObservedLogIsAFIFOIsBadInput() throws {
        let path = fifo()
        let r = try SimulateBinary.run(
            [
                "--scenario", smoke, "--output", folder.appendingPathComponent("run").path,
                "--set", "observed.baseline_logs=\(path)", "--set", "observed.regressed_logs=\(okLog)",
            ], timeout: 20)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(
            r.stderr,
            "simulate: command line (--set): key 'observed.baseline_logs': \(path): is a FIFO, not a file\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }

    func testScenarioFromLogsOfAFIFOIsBadInput() throws {
        let path = fifo()
        let r = try SimulateBinary.run(
            [
                "scenario", "--from-logs", path, "--baseline-release", "meltano-3.6.0",
                "--output", folder.appendingPathComponent("out.yaml").path,
            ], timeout: 10)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "simulate: \(path): is a FIFO, not a file\n")
    }

    func testRunsSpanningTheYearsOneToNineThousandNineHundredNinetyNineDoNotTrap() throws {
        let log = try hostile("years")
        let table = try SimulateBinary.run(["timeline", log], timeout: 30)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("40 runs (40 completed)"), table.stdout)
        let json = try SimulateBinary.run(["timeline", "--json", "--baseline", log, "--regressed", log], timeout: 30)
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertTrue(json.stdout.contains("\"schema\" : \"simulate-timeline-comparison/1\""), json.stdout)
        let markdown = try SimulateBinary.run(["timeline", "--baseline", log, "--regressed", log], timeout: 30)
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        let observed = try SimulateBinary.run(
            [
                "--scenario", smoke, "--output", folder.appendingPathComponent("run").path,
                "--set", "observed.baseline_logs=\(log)", "--set", "observed.regressed_logs=\(log)",
            ], timeout: 120)
        XCTAssertNotEqual(observed.status, 132, observed.stderr)  // 128 + SIGILL: the trap seen before
        XCTAssertTrue([0, 3].contains(observed.status), observed.stderr)
    }

    func testRunsPastTheLimitAreCountedNotListed() throws {
        // 0.5 MB of Environment lines: about 7,350 one-line runs; three copies pass the 20,000 kept.
        let log = try hostile("environments", megabytes: 0.5)
        let r = try SimulateBinary.run(["timeline", log, log, log], timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        // 7,352 + 7,352 + 5,296 runs listed; the third log's other 2,056 are counted.
        XCTAssertTrue(
            r.stdout.contains(
                "7352 runs in 7352 lines, the first 5296 kept (5296 partial): the others are counted in a warning."),
            String(r.stdout.suffix(2000)))
        XCTAssertTrue(
            r.stderr.contains(
                "\(log):5297: 2056 runs from run 5297 on (2056 partial) are counted, not listed or paired"),
            String(r.stderr.suffix(2000)))
    }
}
