import Foundation
import TestSupport
import XCTest

/// The real binary: the scan's cost terms in a profile, a real-shaped synthetic environment, and an
/// interpreter's `sys.path` as the environment (`--python`).
final class ScanCostRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// smoke with 3.6.0 and a release that lists nothing at import (a test's profile: every probed
    /// release lists there), whose first scan then lists every path entry.
    func run(_ extra: [String], output: String = "run") throws -> (SimulateBinary.Output, URL) {
        let folder = scratch.appendingPathComponent(output)
        let profile = try TestProfiles.withoutImportListing(in: scratch.appendingPathComponent("profiles"))
        let result = try SimulateBinary.run(
            [
                "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path,
                "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
                "--variants", "meltano-3.6.0,\(profile)", "--invocations", "2",
            ] + extra)
        return (result, folder)
    }

    func settingsScanMilliseconds(_ folder: URL) throws -> Double {
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let variants = try XCTUnwrap(summary["variants"] as? [[String: Any]])
        let variant = try XCTUnwrap(variants.first { $0["name"] as? String == TestProfiles.noImportListing })
        let phases = try XCTUnwrap(variant["phases"] as? [[String: Any]])
        let settings = try XCTUnwrap(phases.first { $0["phase"] as? String == "pre-plugin/settings" })
        return try XCTUnwrap(settings["scan_mean_ms"] as? Double)
    }

    func testAProfileChargesEveryNameTheRealShapedEnvironmentLists() throws {
        let profile = scratch.appendingPathComponent("listed.json")
        try Data(
            """
            {"format": 1, "name": "listed", "units": {"scan.per_listed_entry_us": {"value": 100}}}
            """.utf8
        ).write(to: profile)
        let (result, folder) = try run(["--cost-profile", "cpython", "--set", "cost_file=\(profile.path)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // smoke's 20 distributions + the default shape's 381 other names (Meltano 3.7.9's venv), 100 µs
        // each: listed in the first scan of a release that lists nothing at import.
        let listed = try settingsScanMilliseconds(folder)
        XCTAssertGreaterThanOrEqual(listed, 40.1)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let environment = try XCTUnwrap(summary["environment"] as? [String: Any])
        XCTAssertEqual(environment["path_entries"] as? Int, 5)

        let (bare, bareFolder) = try run(
            [
                "--cost-profile", "cpython", "--set", "cost_file=\(profile.path)",
                "--set", "synthetic.package_folders=0", "--set", "synthetic.modules=0", "--set",
                "synthetic.pth_files=0",
                "--set", "synthetic.stdlib_entries=0", "--set", "synthetic.dynload_entries=0",
                "--set", "synthetic.bin_entries=0", "--set", "synthetic.missing_path_entries=0",
            ], output: "bare")
        XCTAssertEqual(bare.status, 0, bare.stderr)
        // 20 names: about 2 ms of padding against 40.1 ms. A padded time is at least its cost, and
        // more on a loaded machine (the measured time then exceeds it), so only the order is certain.
        XCTAssertLessThan(try settingsScanMilliseconds(bareFolder), listed, "20 names cost less than 401")
    }

    func testPythonScansTheInterpretersSysPath() throws {
        guard
            let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { throw XCTSkip("no python3 here") }
        let (result, folder) = try run(["--python", python])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let environment = try XCTUnwrap(summary["environment"] as? [String: Any])
        XCTAssertEqual(environment["kind"] as? String, "real")
        let printed = try SimulateBinary.run(
            ["-c", "import json,sys; print(json.dumps(sys.path))"], executable: URL(fileURLWithPath: python))
        let sysPath = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String])
        XCTAssertEqual(
            environment["path_entries"] as? Int, sysPath.count, "missing entries are kept, as CPython visits them")
    }

    func testABadPythonIsOneLineOfBadInputNamingTheKey() throws {
        for (arguments, expected) in [
            (["--python", "/no/such/python"], "key 'python': /no/such/python: no such executable"),
            (["--python", "/bin/false"], "key 'python': /bin/false: exited with status 1"),
            (["--python", "/bin/true"], "key 'python': /bin/true: did not print sys.path as a JSON list of strings"),
            (["--python", "/bin/true", "--site-packages", "/tmp"], "give either python or site_packages, not both"),
        ] {
            let (result, folder) = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
        }
    }

    func testShapeKeysAreListedWithTheirBounds() throws {
        let keys = try SimulateBinary.run(["keys"])
        XCTAssertEqual(keys.status, 0, keys.stderr)
        XCTAssertTrue(keys.stdout.contains("synthetic.stdlib_entries"), keys.stdout)
        let (tooMany, _) = try run(["--set", "synthetic.missing_path_entries=65"])
        XCTAssertEqual(tooMany.status, 2, tooMany.stderr)
        XCTAssertTrue(tooMany.stderr.contains("key 'synthetic.missing_path_entries': value 65 is outside [0, 64]"))
        let (tooLarge, _) = try run(["--set", "synthetic.stdlib_entries=20001"], output: "large")
        XCTAssertEqual(tooLarge.status, 2, tooLarge.stderr)
        XCTAssertTrue(tooLarge.stderr.contains("value 20001 is outside [0, 20000]"), tooLarge.stderr)
    }
}
