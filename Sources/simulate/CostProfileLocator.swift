import Application
import Foundation
import Model
import Pipeline
import ProcessControl
import Scenario

/// Finds the cost profile a scenario asks for: `native`; its `cost_file`; else this machine's
/// calibrated profile (`simulate calibrate` writes it) if there is one; else the shipped public one.
enum CostProfileLocator {
    /// Written by `simulate calibrate` / `scripts/calibrate.py`; git-ignored (it holds local paths).
    static let calibratedFile = "costs/cpython-calibrated.json"
    static let publicFile = "costs/cpython-public.json"

    static func load(for scenario: Scenario, scenarioFile: URL, currentDirectory cwd: URL) throws -> CostProfile {
        try load(
            kind: scenario.costProfile, costFile: scenario.costFile, scenarioFile: scenarioFile, currentDirectory: cwd)
    }

    /// The same from the two keys' values (`simulate scenario --from-logs` has no scenario yet).
    static func load(kind: CostProfileKind, costFile: String, scenarioFile: URL, currentDirectory cwd: URL) throws
        -> CostProfile
    {
        if kind == .native { return .native }
        let path: String
        if !costFile.isEmpty {
            path = URL(fileURLWithPath: costFile, relativeTo: cwd).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw CostProfileError(message: "\(costFile): cost profile not found (key cost_file)")
            }
        } else {
            // Beside the scenario file first, then in the scenarios/ folders the loader searches;
            // a calibrated profile anywhere on that list wins over the public one.
            let folders =
                [scenarioFile.deletingLastPathComponent()]
                + ScenarioLoader.scenarioFolders(
                    currentDirectory: cwd, executable: URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd))
            let candidates = [calibratedFile, publicFile].flatMap { file in
                folders.map { $0.appendingPathComponent(file) }
            }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw CostProfileError(
                    message: "scenarios/\(publicFile): cost profile not found (set cost_file, or --cost-profile native)"
                )
            }
            path = found.path
        }
        var profile = try CostProfile.load(path: path)
        profile.file = PathDisplay.relative(path, to: cwd)
        return profile
    }

    /// Where `simulate calibrate` writes by default: the first scenarios/ folder that exists.
    static func defaultCalibratedPath(currentDirectory cwd: URL) -> URL {
        let folders = ScenarioLoader.scenarioFolders(
            currentDirectory: cwd, executable: URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd))
        let folder =
            folders.first { FileManager.default.fileExists(atPath: $0.path) } ?? cwd.appendingPathComponent("scenarios")
        return folder.appendingPathComponent(calibratedFile)
    }
}
