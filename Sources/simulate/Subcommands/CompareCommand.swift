import Analysis
import ArgumentParser
import Foundation
import Report

/// `simulate compare OLD NEW`: did the estimate move, beyond noise? Exit codes for CI.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs' summary.json: per variant and phase, with intervals.",
        discussion: """
            Exit status: 0 equal within the threshold and noise; 2 a regression (or the runs cannot be compared: \
            different knobs, package count, cost profile or machine, unless --force); 4 only improvements.
            """
    )

    @Argument(help: "The earlier run's summary.json (or its run folder).") var old: String
    @Argument(help: "The later run's summary.json (or its run folder).") var new: String
    @Flag(help: "Compare even when the scenarios, environments, cost profiles or machines differ.") var force = false
    @Option(name: .customLong("threshold"), help: "Changes below this percentage of the old minutes count as equal.")
    var thresholdPercent: Double = 2

    func run() throws {
        let before = try Self.load(old)
        let after = try Self.load(new)
        let reason = SummaryComparison.incompatibility(before, after)
        if let reason, !force {
            throw SimulateExit.badInput(
                "refusing to compare \(old) and \(new): \(reason); use --force to compare anyway")
        }
        let comparison = SummaryComparison(old: before, new: after, thresholdPercent: thresholdPercent)
        print(ComparisonReport.render(comparison, oldLabel: old, newLabel: new, forced: reason), terminator: "")
        switch comparison.verdict {
        case .equal: return
        case .regression: throw SimulateExit.regression
        case .improvement: throw SimulateExit.improvement
        }
    }

    static func load(_ path: String) throws -> RunSummary {
        var url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            url = url.appendingPathComponent("summary.json")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SimulateExit.badInput("\(path): cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let summary = try decoder.decode(RunSummary.self, from: data)
            guard summary.schemaVersion == RunSummary.currentSchemaVersion else {
                throw SimulateExit.badInput(
                    "\(path): schema_version \(summary.schemaVersion), expected \(RunSummary.currentSchemaVersion)")
            }
            return summary
        } catch let error as SimulateExit {
            throw error
        } catch {
            throw SimulateExit.badInput("\(path): not a simulate summary.json (\(error.localizedDescription))")
        }
    }
}
