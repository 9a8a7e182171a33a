import Analysis
import ArgumentParser
import Foundation
import Model
import Report

/// `simulate compare OLD NEW`: did the estimate move, beyond noise? Exit codes for CI.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs' summary.json: per variant and phase, with intervals.",
        discussion: """
            Exit status: 0 equal within the threshold and noise; 5 a regression; 4 only improvements; 2 the runs \
            cannot be read or compared (a count or statistic no run writes, no variant in common, or, unless \
            --force, an INCOMPLETE run, other variants, knobs, package count, cost profile or machine) or the threshold \
            is not a percentage (plain decimal, 0 to 100).
            """
    )

    @Argument(help: "The earlier run's summary.json (or its run folder).") var old: String
    @Argument(help: "The later run's summary.json (or its run folder).") var new: String
    @Flag(help: "Compare even when the scenarios, environments, cost profiles or machines differ.") var force = false
    // `.unconditional`: `--threshold -5` reaches validation (one line, exit 2) instead of being taken for a flag.
    @Option(
        name: .customLong("threshold"), parsing: .unconditional,
        help: "Changes below this percentage (0 to 100) of the old minutes count as equal.")
    var threshold: String = "2"

    func run() throws {
        guard let thresholdPercent = NumberGrammar.number(threshold, in: 0...100) else {
            throw SimulateExit.badInput(
                "command line (--threshold): expected a percentage from 0 to 100, got '\(threshold)'")
        }
        let before = try Self.load(old)
        let after = try Self.load(new)
        let reason = SummaryComparison.incompatibility(before, after)
        if let reason, !force {
            throw SimulateExit.badInput(
                "refusing to compare \(old) and \(new): \(reason); use --force to compare anyway")
        }
        let comparison = SummaryComparison(old: before, new: after, thresholdPercent: thresholdPercent)
        // Not even --force compares runs that share no variant: "equal" would pass on nothing compared.
        if comparison.changes.isEmpty {
            throw SimulateExit.badInput(
                "refusing to compare \(old) and \(new): no variant in common, nothing to compare")
        }
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
            guard RunSummary.readableSchemaVersions.contains(summary.schemaVersion) else {
                let readable = RunSummary.readableSchemaVersions
                throw SimulateExit.badInput(
                    "\(path): schema_version \(summary.schemaVersion), expected \(readable.lowerBound) to \(readable.upperBound)"
                )
            }
            try summary.checkNumbers()
            return summary
        } catch let error as SummaryNumberError {
            throw SimulateExit.badInput("\(path): \(error.description)")
        } catch let error as SimulateExit {
            throw error
        } catch {
            throw SimulateExit.badInput("\(path): not a simulate summary.json (\(error.localizedDescription))")
        }
    }
}
