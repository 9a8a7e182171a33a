import Foundation
import Model
import XCTest

/// Cost profiles: the shipped public one, a calibrated one, and every way a file can be wrong.
final class CostProfileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("costs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    func write(_ text: String, _ name: String = "profile.json") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testThePublicProfileStillLoads() throws {
        let profile = try CostProfile.load(
            path: Self.repository.appendingPathComponent("scenarios/costs/cpython-public.json").path)
        XCTAssertEqual(profile.name, "cpython-public")
        XCTAssertEqual(profile.microseconds(.scanPerDistribution), 70)
        XCTAssertEqual(profile.microseconds(.catalogLineThreadHop), 246)
        XCTAssertNil(profile.microseconds(.sqliteStatement), "no public SQLite figure: not padded")
        XCTAssertTrue(profile.calibration.isEmpty)
    }

    func testACalibratedProfileKeepsEveryUnitAndWhereItWasMeasured() throws {
        let units = CostUnit.allCases.enumerated().map {
            "\"\($1.rawValue)\": {\"value\": \($0 + 1), \"source\": \"s\($0)\"}"
        }
        let path = try write(
            """
            {"format": 1, "name": "cpython-calibrated", "description": "d", "units": {\(units.joined(separator: ", "))},
             "calibration": {"interpreter": "/usr/bin/python3", "date": "2026-01-08T00:00:00Z", "cold_cache_took_effect": true,
                             "machine": {"cores": 2}, "fits": {"entry_points() warm": {"b_us": 39.5, "points": [[50, 2400.0]]}},
                             "site_packages_check": null}}
            """)
        let profile = try CostProfile.load(path: path)
        for (index, unit) in CostUnit.allCases.enumerated() {
            XCTAssertEqual(profile.microseconds(unit), Double(index + 1), unit.rawValue)
        }
        XCTAssertEqual(profile.calibration["interpreter"], "/usr/bin/python3")
        XCTAssertEqual(profile.calibration["machine.cores"], "2")
        XCTAssertEqual(profile.calibration["fits.entry_points() warm.b_us"], "39.5")
        XCTAssertEqual(profile.calibration["fits.entry_points() warm.points"], "[[50,2400]]")
        XCTAssertEqual(profile.calibration["cold_cache_took_effect"], "true")
        XCTAssertEqual(profile.calibration["site_packages_check"], "none")
    }

    func testMalformedProfilesAreOneLineErrorsNamingFileAndKey() throws {
        let cases: [(String, String)] = [
            (
                "{\"format\": 1, \"name\": \"x\", \"units\": {\"scan.per_package_us\": {\"value\": 1}}}",
                "key 'units.scan.per_package_us': unknown unit"
            ),
            ("{\"name\": \"x\", \"units\": {}}", "key 'format'"),
            ("{\"format\": 2, \"name\": \"x\", \"units\": {}}", "key 'format'"),
            ("{\"format\": 1, \"units\": {}}", "key 'name'"),
            ("{\"format\": 1, \"name\": \"x\"}", "key 'units'"),
            (
                "{\"format\": 1, \"name\": \"x\", \"units\": {\"sqlite.statement_us\": {\"value\": -1}}}",
                "key 'units.sqlite.statement_us.value'"
            ),
            (
                "{\"format\": 1, \"name\": \"x\", \"units\": {\"scan.fixed_us\": {\"value\": 1e300}}}",
                "key 'units.scan.fixed_us.value'"
            ),
            (
                "{\"format\": 1, \"name\": \"x\", \"units\": {\"json.state_us\": {\"value\": \"fast\"}}}",
                "key 'units.json.state_us.value'"
            ),
            ("{\"format\": 1, \"name\": \"x\", \"units\": {}, \"calibration\": [1]}", "key 'calibration'"),
            ("{\"format\": 1, \"name\": ", "not valid JSON"),
            ("[1, 2]", "expected a JSON object"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = try write(text, "bad-\(index).json")
            XCTAssertThrowsError(try CostProfile.load(path: path), text) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.hasPrefix(path + ": "), message)
                XCTAssertTrue(message.contains(expected), "\(message) should contain \(expected)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        XCTAssertThrowsError(try CostProfile.load(path: folder.appendingPathComponent("missing.json").path)) { error in
            XCTAssertTrue(String(describing: error).contains("cannot be read"))
        }
    }
}
