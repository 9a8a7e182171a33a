import Foundation
import Logs
import Model
import Scenario

extension ScenarioFromLogs {
    /// The header comment: the command, every log, and where every value came from.
    func header(_ jobs: [Job]) -> [String] {
        var lines = [
            "Made from Meltano logs by `simulate scenario --from-logs` (docs/workload-from-logs.md):",
            "  \(command)",
            "Logs (lines; Meltano processes found; complete runs used; runs skipped):",
        ]
        lines += baseline.logs.map { "  baseline  " + Self.describe($0) }
        lines += (regressed?.logs ?? []).map { "  regressed " + Self.describe($0) }
        lines.append("Where each value comes from:")
        for (key, text) in sources(jobs) { lines += Self.wrap("\(key): \(text)", indent: "  ", hanging: "    ") }
        return lines
    }

    static func describe(_ log: ObservedLogSummary) -> String {
        var text = "\(log.name): \(log.lines) lines; \(log.runs) runs, \(log.runs - log.skippedCount) used"
        if log.skippedCount > 0 {
            let why = log.skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            text += ", \(log.skippedCount) skipped (\(why.joined(separator: ", ")))"
        }
        return text
    }

    /// (key, where its value came from), in the order the file writes them.
    func sources(_ jobs: [Job]) -> [(String, String)] {
        let baseUnits = baselineRelease.catalogWrite.costUnits.map(\.rawValue).joined(separator: " + ")
        var list: [(String, String)] = [
            ("variants, baseline", releaseSource),
            ("invocations", "\(invocations.why) = \(invocations.value) (two simulated per production run)"),
            ("production.period", "the first to the last timestamp in the baseline logs"),
            ("production.runs, jobs[].runs", "complete runs in the baseline logs (runs per period), summed over jobs"),
            (
                "production.gap_seconds",
                "the median gap between a run's end and the next run's start in the baseline logs"
            ),
            (
                "jobs[].state_messages, jobs[].records",
                "the median over the job's complete baseline runs, from the target's `Reader ... completed processing` line"
            ),
            ("jobs[].catalog_lines", catalogSource(jobs)),
            (
                "jobs[].assumed.*",
                "the job's median seconds of that log phase in the baseline logs minus what \(baselineRelease.name) "
                    + "simulates there: in pre-plugin the catalog write, catalog_lines × "
                    + "\(Self.format(baselineLineMicroseconds)) µs (\(baseUnits), \(baselineRelease.catalogWrite.rawValue) writes, "
                    + "cost profile \(costs.name)); the other simulated steps (settings scan, bookkeeping, state lookup "
                    + "and writes, HTTP pages) take milliseconds and are not subtracted. Never negative: clamped at 0, "
                    + "and the job says so"
            ),
            (
                "catalog_lines, state_messages, assumed.*",
                "the median over the jobs (the defaults for a scenario with `jobs: N`)"
            ),
            (
                "state_backend",
                saysSystemdb
                    ? "systemdb: the logs print `Using systemdb state backend`" : "not in the logs: its default"
            ),
            ("observed.*", "the logs above; minutes = the sum of the complete runs' totals / 60 over the period"),
            ("every other key", "not in the logs: its default (`simulate keys`), or --set"),
            ("spread", spreadSource(jobs)),
        ]
        if !overrides.isEmpty {
            list.append(("--set", overrides.keys.sorted().map { "\($0)=\(overrides[$0]!)" }.joined(separator: ", ")))
        }
        return list
    }

    var releaseSource: String {
        func one(_ profile: ReleaseProfile, _ workload: ObservedWorkload?, _ flag: String) -> String {
            if let named = workload?.release, named == profile.name, let at = workload?.releaseLocation {
                return "\(profile.name) (named in the logs at \(at))"
            }
            return "\(profile.name) (\(flag))"
        }
        var text = one(baselineRelease, baseline, "--baseline-release")
        if let regressedRelease {
            text += ", " + one(regressedRelease, regressed, "--regressed-release")
        } else {
            text += "; no regressed release, so the other variants are `variants`' defaults (--set variants=...)"
        }
        return text
    }

    func catalogSource(_ jobs: [Job]) -> String {
        guard let fit, regressed != nil, let regressedRelease else {
            return "not determined by the logs (no --regressed logs): catalog_lines "
                + (overrides[ScenarioKeys.table.catalogLines.name] == nil ? "default" : "--set")
                + " \(defaultCatalogLines)"
        }
        let fitted = jobs.filter { if case .fitted = $0.catalog { return true } else { return false } }
        var text =
            "fitted per job: (median pre-plugin seconds in the regressed logs − in the baseline logs) / "
            + "(\(Self.format(fit.regressedLineMicroseconds)) − \(Self.format(fit.baselineLineMicroseconds)) µs per line: "
            + "\(regressedRelease.name) writes \(regressedRelease.catalogWrite.rawValue), "
            + "\(baselineRelease.name) \(baselineRelease.catalogWrite.rawValue); cost profile \(costs.name)); "
            + "\(fitted.count) of \(jobs.count) jobs fitted, \(fitted.reduce(0) { $0 + $1.catalogLines }) lines in all"
        let undetermined = jobs.filter { $0.catalog.undeterminedReason != nil }
        if let first = undetermined.first {
            text +=
                "; the logs do not determine \(undetermined.count) job\(undetermined.count == 1 ? "" : "s") "
                + "(each says why), written as \(first.catalogLines): "
                + (fitted.isEmpty ? "catalog_lines' value" : "the median of the fitted jobs")
        }
        return text
    }

    /// Which jobs have a phase whose spread is wide (their comments give the quartiles and range).
    func spreadSource(_ jobs: [Job]) -> String {
        let wide = jobs.filter { !wideSpreads($0).isEmpty }
        guard !wide.isEmpty else {
            return "no job's phase has a wide spread (an interquartile range over half its median and over 1 s)"
        }
        return "wide (an interquartile range over half the median and over 1 s) in \(wide.count) of \(jobs.count) "
            + "jobs, each commented with its quartiles and range: "
            + wide.prefix(10).map { "\($0.observed.name) (\(wideSpreads($0).map(\.rawValue).joined(separator: ", ")))" }
            .joined(separator: "; ") + (wide.count > 10 ? "; ..." : "")
    }

    static func format(_ value: Double) -> String { ScenarioValue.format((value * 1000).rounded() / 1000) }

    /// Words wrapped to 100 columns, later lines indented by `hanging`.
    static func wrap(_ text: String, indent: String, hanging: String, width: Int = 100) -> [String] {
        var lines: [String] = []
        var current = indent
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let prefix = lines.isEmpty ? indent : hanging
            if current.count + word.count + 1 > width && current.count > prefix.count {
                lines.append(current)
                current = hanging + word
            } else {
                current += (current.count == prefix.count ? "" : " ") + word
            }
        }
        return lines + [current]
    }
}
