import Foundation
import XCTest

/// Every malformed scenario in the catalogue, through the real binary: one line on stderr naming
/// the file (and the line and key where they apply), exit status 2, and nothing written.
final class BadScenarioFilesTests: XCTestCase {
    func testEveryMalformedScenarioIsRejectedWithOneLineAndExitTwo() throws {
        let fixtures = SimulateBinary.repository.appendingPathComponent("Tests/ScenarioTests/Fixtures/malformed")
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).sorted()
        XCTAssertGreaterThanOrEqual(files.count, 38)
        let scratch = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputs =
            files.map { fixtures.appendingPathComponent($0).path }
            + [fixtures.appendingPathComponent("does-not-exist.yaml").path, fixtures.path]
        for (i, input) in inputs.enumerated() {
            let output = scratch.appendingPathComponent("out-\(i)")
            let r = try SimulateBinary.run([
                "--scenario", input, "--output", output.path, "--output-root", scratch.path,
                "--cache-dir", scratch.appendingPathComponent("cache").path,
            ])
            let name = (input as NSString).lastPathComponent
            XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("simulate: "), r.stderr)
            XCTAssertTrue(r.stderr.contains(name), "\(name) not named in: \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "\(name) wrote its output folder")
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: scratch.appendingPathComponent("cache").path),
            "nothing cached either")
    }
}
