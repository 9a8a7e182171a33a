import Foundation
import XCTest

/// `simulate profile --python` on environments the probe cannot measure, through the real binary:
/// one line naming why, exit 2, no profile written.
final class ProfileBadInputTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { if let scratch { try? FileManager.default.removeItem(at: scratch) } }

    /// A virtual environment (no pip) holding a `meltano` distribution of `version` whose bundled
    /// `settings.yml` declares `settings`: a release as the probe would find it, without its code.
    func fakeRelease(version: String, settings: [String]) throws -> String {
        let venv = scratch.appendingPathComponent("venv")
        let made = try SimulateBinary.run(
            ["-m", "venv", "--without-pip", venv.path], executable: URL(fileURLWithPath: "/usr/bin/python3"))
        guard made.status == 0 else { throw XCTSkip("python3 -m venv is not available here: \(made.stderr)") }
        let python = venv.appendingPathComponent("bin/python").path
        let purelib = try SimulateBinary.run(
            ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            executable: URL(fileURLWithPath: python)
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let site = URL(fileURLWithPath: purelib)
        let bundle = site.appendingPathComponent("meltano/core/bundle")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try Data().write(to: site.appendingPathComponent("meltano/__init__.py"))
        try Data().write(to: site.appendingPathComponent("meltano/core/__init__.py"))
        let declared = settings.map { "- name: \($0)\n" }.joined()
        try Data("settings:\n\(declared)".utf8).write(to: bundle.appendingPathComponent("settings.yml"))
        let info = site.appendingPathComponent("meltano-\(version).dist-info")
        try FileManager.default.createDirectory(at: info, withIntermediateDirectories: true)
        try Data("Metadata-Version: 2.1\nName: meltano\nVersion: \(version)\n".utf8).write(
            to: info.appendingPathComponent("METADATA"))
        return python
    }

    func testAReleaseWithoutAStateBackendSettingIsTooOldForTheProbeAndSaysWhy() throws {
        let python = try fakeRelease(version: "1.80.0", settings: ["database_uri", "send_anonymous_usage_stats"])
        let output = scratch.appendingPathComponent("profile.json")
        let result = try SimulateBinary.run(
            ["profile", "--python", python, "--output", output.path], timeout: 120)
        XCTAssertEqual(result.status, 2, result.stderr)
        // The probe's progress lines come first, as it runs; the last line is the one that says why.
        let last = String(result.stderr.split(separator: "\n").last ?? "")
        XCTAssertTrue(last.hasPrefix("simulate: "), result.stderr)
        XCTAssertTrue(last.contains("release too old for the probe"), result.stderr)
        XCTAssertTrue(last.contains("state_backend.uri"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "nothing written")
    }
}
