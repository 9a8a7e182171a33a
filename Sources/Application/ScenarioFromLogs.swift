import Foundation
import Logs
import Model
import Scenario

/// A scenario made from an operator's logs (`simulate scenario --from-logs`): per job its runs,
/// catalog size, STATE messages, records and assumed seconds per log phase; the period, the
/// runs and the gaps; every other key its default or `--set` value; and a header saying where
/// each value came from (docs/workload-from-logs.md).
public struct ScenarioFromLogs {
    /// The baseline release's logs and profile, and the regressed release's when given.
    public var baseline: ObservedWorkload
    public var regressed: ObservedWorkload?
    public var baselineRelease: ReleaseProfile
    public var regressedRelease: ReleaseProfile?
    public var costs: CostProfile
    /// Validated `--set` values by key name.
    public var overrides: [String: ScenarioValue]
    public var name: String
    /// The command line that made it, and the logs as the output file names them.
    public var command: String
    public var baselineLogPaths: [String]
    public var regressedLogPaths: [String]

    /// The most invocations written (two per production run, at least two per job).
    public static let maxInvocations = 200

    public init(
        baseline: ObservedWorkload, regressed: ObservedWorkload?, baselineRelease: ReleaseProfile,
        regressedRelease: ReleaseProfile?, costs: CostProfile, overrides: [String: ScenarioValue], name: String,
        command: String, baselineLogPaths: [String], regressedLogPaths: [String]
    ) {
        self.baseline = baseline
        self.regressed = regressed
        self.baselineRelease = baselineRelease
        self.regressedRelease = regressedRelease
        self.costs = costs
        self.overrides = overrides
        self.name = name
        self.command = command
        self.baselineLogPaths = baselineLogPaths
        self.regressedLogPaths = regressedLogPaths
    }

    /// One job as written.
    struct Job {
        var observed: ObservedJob
        var catalog: CatalogFit.Outcome
        var catalogLines: Int
        var assumed: AssumedSeconds
    }

    /// The scenario, and the lines to print on stderr (jobs whose catalog the logs do not determine).
    /// - Throws: `ObservedWorkloadError` when a job has runs in only one of the two sets.
    public func make() throws -> (document: ScenarioDocument, warnings: [String]) {
        try checkPairing()
        let jobs = fittedJobs()
        var warnings = gapWarning.map { [$0] } ?? []
        if regressed != nil, let fit, fit.perLineDelta <= 0, let first = jobs.first {
            warnings.append(
                "the logs do not determine any job's catalog size: \(CatalogFit.Outcome.sameMode.undeterminedReason!); "
                    + "written as \(first.catalogLines)")
        }
        for job in jobs where job.catalog != .sameMode {
            if let reason = job.catalog.undeterminedReason, regressed != nil {
                warnings.append(
                    "job \(job.observed.name): the logs do not determine its catalog size (\(reason)); "
                        + "written as \(job.catalogLines)")
            }
        }
        let run = runBlock(jobs)
        let jobsBlock = jobsBlock(jobs)
        let written = Set((run.entries + jobsBlock.entries).map(\.key))
        let document = ScenarioDocument(
            header: header(jobs), blocks: [run, jobsBlock, defaultsBlock(excluding: written)])
        return (document, warnings)
    }

    /// Every job must have runs in both sets (when two are given).
    func checkPairing() throws {
        guard let regressed else { return }
        for (set, other, label) in [(baseline, regressed, "regressed"), (regressed, baseline, "baseline")] {
            if let lone = set.jobs.first(where: { other.job($0.name) == nil }) {
                throw ObservedWorkloadError(
                    location: lone.firstRun.description,
                    problem: "job \(lone.name) has runs here but none complete in the \(label) logs "
                        + "(\(other.logs.map(\.name).joined(separator: ", "))); give logs of the same jobs")
            }
        }
    }

    var fit: CatalogFit? {
        regressedRelease.map { CatalogFit(baseline: baselineRelease, regressed: $0, costs: costs) }
    }

    var baselineLineMicroseconds: Double { costs.catalogLineMicroseconds(baselineRelease.catalogWrite) }

    /// The `catalog_lines` value: `--set`, else the key's default.
    var defaultCatalogLines: Int {
        overrides[ScenarioKeys.table.catalogLines.name]?.intValue ?? ScenarioKeys.table.catalogLines.defaultValue
    }

    func fittedJobs() -> [Job] {
        let outcomes = baseline.jobs.map { job -> CatalogFit.Outcome in
            guard let fit, let other = regressed?.job(job.name) else { return .unknownPhase }
            return fit.lines(job, other)
        }
        let determined = outcomes.compactMap { outcome -> Double? in
            if case .fitted(let lines) = outcome { return Double(lines) }
            return nil
        }
        let fallback = Spread(determined).map { Int($0.median.rounded()) } ?? defaultCatalogLines
        return zip(baseline.jobs, outcomes).map { job, outcome in
            var lines = fallback
            if case .fitted(let fitted) = outcome { lines = fitted }
            return Job(
                observed: job, catalog: outcome, catalogLines: lines,
                assumed: AssumedSeconds(job: job, catalogLines: lines, lineMicroseconds: baselineLineMicroseconds))
        }
    }

    /// Invocations: two per production run, capped, but at least two per job.
    var invocations: (value: Int, why: String) {
        let runs = baseline.runs
        let jobs = baseline.jobs.count
        let value = max(min(2 * runs, Self.maxInvocations), 2 * jobs)
        var why = "2 × \(runs) runs"
        if 2 * runs > Self.maxInvocations { why += ", capped at \(Self.maxInvocations)" }
        if value == 2 * jobs && value != min(2 * runs, Self.maxInvocations) { why += ", at least 2 × \(jobs) jobs" }
        return (value, why)
    }

    /// The value of `key`: `--set` when given (then so commented), else `value`.
    func entry(_ key: String, _ value: ScenarioValue, _ comment: String?) -> ScenarioDocument.Entry {
        if let given = overrides[key] { return ScenarioDocument.Entry(key, given, comment: "--set") }
        return ScenarioDocument.Entry(key, value, comment: comment)
    }

    static func round(_ value: Double, _ digits: Double = 100) -> Double { (value * digits).rounded() / digits }

    static func median(_ values: [Double]) -> Double? { Spread(values)?.median }
}
