import Coordinator
import Foundation
import Pipeline
import Scenario

/// Finds the cost profile a scenario asks for: `native`, its `cost_file`, or the shipped public one.
enum CostProfileLocator {
    static let defaultFile = "costs/cpython-public.json"

    static func load(for scenario: Scenario, scenarioFile: URL, currentDirectory cwd: URL) throws -> CostProfile {
        if scenario.costProfile == "native" { return .native }
        let path: String
        if !scenario.costFile.isEmpty {
            path = URL(fileURLWithPath: scenario.costFile, relativeTo: cwd).path
        } else {
            // Beside the scenario file first, then in the scenarios/ folders the loader searches.
            let candidates = [scenarioFile.deletingLastPathComponent().appendingPathComponent(defaultFile)]
                + ScenarioLoader.scenarioFolders(currentDirectory: cwd, executable: URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd))
                    .map { $0.appendingPathComponent(defaultFile) }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw CostProfileError(message: "scenarios/\(defaultFile): cost profile not found (set cost_file, or --cost-profile native)")
            }
            path = found.path
        }
        var profile = try CostProfile.load(path: path)
        profile.file = PathDisplay.relative(path, to: cwd)
        return profile
    }
}
