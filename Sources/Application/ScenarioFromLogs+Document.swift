import Foundation
import Logs
import Model
import Scenario

extension ScenarioFromLogs {
    /// Sections the logs give (every key in them is written by `runBlock`).
    static let derivedSections = ["production.", "assumed.", "observed."]

    typealias Entry = ScenarioDocument.Entry

    /// The workload's keys: releases, sizes, production, assumed defaults, observed.
    func runBlock(_ jobs: [Job]) -> ScenarioDocument.Block {
        let keys = ScenarioKeys.table
        // Without a regressed release: the baseline, then the key's default variants.
        let others = regressedRelease.map { [$0.name] } ?? keys.variants.defaultValue
        let variants = [baselineRelease.name] + others.filter { $0 != baselineRelease.name }
        var entries: [Entry] = [
            entry(keys.name.name, .string(name), nil),
            entry(keys.description.name, .string(description), nil),
            entry(
                keys.variants.name, .list(variants),
                regressedRelease == nil ? "the baseline release, then the default variants" : "the releases of the logs"
            ),
            entry(keys.baseline.name, .string(baselineRelease.name), nil),
            entry(keys.invocations.name, .int(invocations.value), invocations.why),
        ]
        if saysSystemdb {
            entries.append(
                entry(keys.stateBackend.name, .string(StateBackendKind.systemdb.rawValue), "the logs say so"))
        }
        let lines = Self.median(jobs.map { Double($0.catalogLines) }).map { Int($0.rounded()) } ?? defaultCatalogLines
        entries.append(entry(keys.catalogLines.name, .int(lines), "the median over the jobs"))
        if let messages = Self.median(jobs.compactMap { $0.observed.stateMessages?.median }) {
            entries.append(entry(keys.stateMessages.name, .int(Int(messages.rounded())), "the median over the jobs"))
        }
        entries += [
            entry(keys.productionPeriod.name, .string(baseline.periodLabel), nil),
            entry(keys.productionRuns.name, .int(baseline.runs), "the jobs' complete runs"),
        ]
        if let gap = boundedGap {
            let comment = gap.clamped ? "the logs' median, \(Self.seconds(baseline.gapSeconds ?? 0)) s, clamped" : nil
            entries.append(entry(keys.productionGapSeconds.name, .double(Self.round(gap.seconds)), comment))
        }
        for phase in LogPhase.allCases {
            guard let value = Self.median(jobs.compactMap { $0.assumed.seconds[phase] }) else { continue }
            entries.append(entry(phase.assumedKey, .double(Self.round(value)), nil))
        }
        return ScenarioDocument.Block(entries: entries + observedEntries())
    }

    /// The logs' median gap between runs within `production.gap_seconds`' range: a longer pause
    /// (runs days apart, or a log's clock off by years) is written as the bound, and said so.
    var boundedGap: (seconds: Double, clamped: Bool)? {
        guard let gap = baseline.gapSeconds else { return nil }
        guard case .double(let range) = ScenarioKeys.table.productionGapSeconds.erased.kind else { return (gap, false) }
        let bounded = Swift.min(Swift.max(gap, range.lowerBound), range.upperBound)
        return (bounded, bounded != gap)
    }

    /// The stderr line for a clamped gap, naming the runs on either side of the longest one.
    var gapWarning: String? {
        guard let gap = boundedGap, gap.clamped, let median = baseline.gapSeconds else { return nil }
        let widest = baseline.widestGap.map {
            " (the longest, \(Self.seconds($0.seconds)) s, from the run at \($0.after) to the run at \($0.before))"
        }
        return "\(ScenarioKeys.table.productionGapSeconds.name): the median pause between runs in the baseline logs is "
            + "\(Self.seconds(median)) s\(widest ?? ""), beyond the key's bound; written as \(ScenarioValue.format(gap.seconds))"
    }

    var description: String {
        "\(baseline.jobs.count) jobs, \(baseline.runs) runs in \(baseline.periodLabel), from Meltano logs"
    }

    func observedEntries() -> [Entry] {
        let keys = ScenarioKeys.table
        let minutes = Self.round(baseline.totalSeconds / 60)
        var entries = [entry(keys.observedBaselineMinutes.name, .double(minutes), "complete runs' totals / 60")]
        guard let regressed, let regressedRelease else { return entries }
        entries += [
            entry(keys.observedRegressedMinutes.name, .double(Self.round(regressed.totalSeconds / 60)), nil),
            entry(keys.observedRegressedVariant.name, .string(regressedRelease.name), nil),
            entry(keys.observedBaselineLogs.name, .list(baselineLogPaths), nil),
            entry(keys.observedRegressedLogs.name, .list(regressedLogPaths), nil),
        ]
        return entries
    }

    /// The `jobs:` list.
    func jobsBlock(_ jobs: [Job]) -> ScenarioDocument.Block {
        let items = jobs.map { job -> ScenarioDocument.Item in
            let keys = ScenarioKeys.table
            var entries: [Entry] = [
                Entry(JobEntry.nameKey.name, .string(job.observed.name)),
                Entry(JobEntry.runsKey.name, .int(job.observed.runs)),
                Entry(keys.catalogLines.name, .int(job.catalogLines), comment: catalogComment(job)),
            ]
            if let messages = job.observed.stateMessages {
                entries.append(Entry(keys.stateMessages.name, .int(Int(messages.median.rounded()))))
            }
            if let records = job.observed.records {
                entries.append(Entry(JobEntry.recordsKey.name, .int(Int(records.median.rounded()))))
            }
            for phase in LogPhase.allCases {
                guard let seconds = job.assumed.seconds[phase] else { continue }
                entries.append(Entry(phase.assumedKey, .double(seconds)))
            }
            return ScenarioDocument.Item(comments: jobComments(job), entries: entries)
        }
        return ScenarioDocument.Block(
            comments: ["Per job, from its complete runs in the baseline logs (see the header)."],
            entries: [Entry(ScenarioKeys.table.jobs.name, .items(items))])
    }

    func catalogComment(_ job: Job) -> String {
        switch job.catalog {
        case .fitted: return "fitted to its pre-plugin change"
        case _ where regressed == nil:
            return "not in the logs: \(overrides[ScenarioKeys.table.catalogLines.name] == nil ? "default" : "--set")"
        default: return "not determined by the logs: \(job.catalog.undeterminedReason ?? "")"
        }
    }

    /// Wide spreads and clamped phases of one job.
    func jobComments(_ job: Job) -> [String] {
        var lines: [String] = []
        var wide: [String] = []
        for phase in wideSpreads(job) {
            guard let spread = job.observed.phases[phase] else { continue }
            wide.append(
                "\(phase) \(Self.seconds(spread.lowerQuartile))–\(Self.seconds(spread.upperQuartile)) s "
                    + "(median \(Self.seconds(spread.median)), range \(Self.seconds(spread.min))–\(Self.seconds(spread.max)))"
            )
        }
        if !wide.isEmpty {
            lines.append("wide spread over \(job.observed.runs) runs, IQR: " + wide.joined(separator: "; "))
        }
        if !job.assumed.clamped.isEmpty {
            lines.append(
                "clamped at 0 (the simulated part exceeds the observed median): "
                    + job.assumed.clamped.map(\.rawValue).joined(separator: ", "))
        }
        return lines
    }

    /// The log phases whose spread over the job's runs is wide.
    func wideSpreads(_ job: Job) -> [LogPhase] {
        LogPhase.allCases.filter { phase in
            job.observed.phases[phase].map { $0.count > 1 && $0.isWide() } ?? false
        }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Every other key: its default, or its `--set` value.
    func defaultsBlock(excluding written: Set<String>) -> ScenarioDocument.Block {
        let entries = ScenarioKeys.all.compactMap { key -> Entry? in
            if written.contains(key.name) { return nil }
            if Self.derivedSections.contains(where: key.name.hasPrefix) && overrides[key.name] == nil { return nil }
            return overrides[key.name].map { Entry(key.name, $0, comment: "--set") }
                ?? Entry(key.name, key.defaultValue)
        }
        return ScenarioDocument.Block(
            comments: ["Not in the logs: the defaults (`simulate keys`), or --set."], entries: entries)
    }

    var saysSystemdb: Bool { (baseline.jobs + (regressed?.jobs ?? [])).contains(where: \.saysSystemdb) }
}
