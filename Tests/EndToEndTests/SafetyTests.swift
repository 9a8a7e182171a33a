import Foundation
import XCTest

/// What a scenario value can make the tool do outside its own folders: nothing.
final class SafetyTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var smoke: String { SimulateBinary.repository.appendingPathComponent("scenarios/smoke.yaml").path }

    func testANameThatLeavesTheOutputRootIsBadInput() throws {
        let root = scratch.appendingPathComponent("runs")
        for name in ["../../../escape", "a/b/c", ".hidden", ""] {
            let r = try SimulateBinary.run([
                "--scenario", smoke, "--output-root", root.path, "--set", "name=\(name)",
            ])
            XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)")
            XCTAssertTrue(
                r.stderr.hasPrefix("simulate: command line (--set): key 'name': '\(name)' is not a plain name"),
                r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path), "nothing was written")
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: scratch.deletingLastPathComponent().appendingPathComponent("escape").path))
    }

    func testTheReproduceLineIsShellQuoted() throws {
        let folder = scratch.appendingPathComponent("run")
        let r = try SimulateBinary.run([
            "--scenario", smoke, "--output", folder.path, "--cache-dir", scratch.appendingPathComponent("cache").path,
            "--set", "description=a b; touch pwned",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("--set 'description=a b; touch pwned'"), report)
        XCTAssertFalse(report.contains("--set description=a b; touch pwned"), report)
    }
}
