import Foundation
import Logs
import Model
import Scenario

/// Reads the production logs a scenario names (`observed.baseline_logs`, `observed.regressed_logs`)
/// and pairs their runs by job, as `simulate timeline --baseline --regressed` does, into what the
/// analysis compares the simulation with. Bad logs are bad input: they are read before anything
/// is written.
enum ObservedLogsLoader {
    static func load(_ scenario: Scenario, currentDirectory: URL) throws -> ObservedLogs? {
        let baseline = scenario.observedBaselineLogs
        let regressed = scenario.observedRegressedLogs
        guard !baseline.isEmpty || !regressed.isEmpty else { return nil }
        let baselineKey = ScenarioKeys.table.observedBaselineLogs.name
        let regressedKey = ScenarioKeys.table.observedRegressedLogs.name
        guard !baseline.isEmpty, !regressed.isEmpty else {
            let key = baseline.isEmpty ? baselineKey : regressedKey
            throw ScenarioError(
                location: scenario.origins[key] ?? scenario.file, key: key,
                problem: "give the baseline's and the regressed version's logs together")
        }
        var baselineBudget = LogReadBudget()
        var regressedBudget = LogReadBudget()
        let before = try baseline.map { try read($0, key: baselineKey, scenario, currentDirectory, &baselineBudget) }
        let after = try regressed.map { try read($0, key: regressedKey, scenario, currentDirectory, &regressedBudget) }
        let comparison = TimelineComparison(baseline: before, regressed: after)
        let phases = comparison.phases.compactMap { delta -> ObservedLogs.PhaseDelta? in
            guard let phase = LogPhase(rawValue: delta.name) else { return nil }
            return ObservedLogs.PhaseDelta(
                phase: phase, deltaSecondsPerRun: delta.mean.map { $0 / 1e6 },
                baselineSecondsPerRun: delta.pairs == 0 ? nil : delta.baselineSum / Double(delta.pairs) / 1e6,
                pairs: delta.pairs)
        }
        let total = comparison.total
        return ObservedLogs(
            baselineLogs: baseline, regressedLogs: regressed, pairs: comparison.pairs.count, phases: phases,
            totalDeltaSecondsPerRun: total.mean.map { $0 / 1e6 },
            baselineTotalSecondsPerRun: total.pairs == 0 ? nil : total.baselineSum / Double(total.pairs) / 1e6)
    }

    /// A log named in a scenario file is found relative to that file's folder; one given on the
    /// command line, relative to the current folder. Opened as every log is (`InputFile`: a FIFO
    /// or a device is refused) and kept within `budget`.
    static func read(
        _ name: String, key: String, _ scenario: Scenario, _ currentDirectory: URL, _ budget: inout LogReadBudget
    ) throws -> LogFileTimeline {
        let origin = scenario.origins[key] ?? scenario.file
        let fromFile = !origin.hasPrefix("command line") && origin != "default"
        let folder =
            fromFile
            ? URL(fileURLWithPath: scenario.file, relativeTo: currentDirectory).deletingLastPathComponent()
            : currentDirectory
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)
        let log: LogFileTimeline
        do { log = try budget.read(path: url.path, name: name) } catch {
            throw ScenarioError(location: origin, key: key, problem: "\(error)")
        }
        if let reason = log.noRunsReason {
            throw ScenarioError(location: origin, key: key, problem: "\(name): \(reason)")
        }
        return log
    }
}
