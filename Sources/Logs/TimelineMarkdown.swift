import Foundation
import Model

/// The Markdown `simulate timeline` prints: a table per log, and the baseline/regressed comparison.
public enum TimelineMarkdown {
    /// A heading, a one-line summary, the runs table with a sum row, and notes (unknown phases,
    /// partial and failed runs, diagnostics) naming lines.
    /// `N runs (C completed, ...) in L lines.`; past `LogLimits.runsKept`, every run and the kept
    /// ones: `N runs in L lines, the first K kept (...): the others are counted in a warning.`
    static func summaryLine(_ log: LogFileTimeline, keptCounts: String) -> String {
        let kept = log.runs.count
        let runs = "\(log.runCount) run\(log.runCount == 1 ? "" : "s")"
        guard log.runCount > kept else { return "\(runs) (\(keptCounts)) in \(log.lineCount) lines.\n\n" }
        let listed = kept == 0 ? "none kept" : "the first \(kept) kept (\(keptCounts))"
        return "\(runs) in \(log.lineCount) lines, \(listed): the others are counted in a warning.\n\n"
    }

    public static func render(_ log: LogFileTimeline) -> String {
        var out = "## \(Markdown.escape(log.name, .prose))\n\n"
        var byStatus: [RunStatus: Int] = [:]
        for run in log.runs { byStatus[run.status, default: 0] += 1 }
        let counts = [RunStatus.completed, .failed, .partial].compactMap { s in
            byStatus[s].map { "\($0) \(s.rawValue)" }
        }
        out += summaryLine(log, keptCounts: counts.joined(separator: ", "))
        let phaseColumns = LogPhase.allCases.map { "\($0.rawValue) s" }
        out += row(
            ["run", "job", "started (UTC)"] + phaseColumns + [
                "total s", "records", "STATE msgs", "state-backend lines", "status",
            ])
        out += row(["---:", "---", "---"] + phaseColumns.map { _ in "---:" } + ["---:", "---:", "---:", "---", "---"])
        for run in log.runs {
            let job: String = run.pairingKey.map { Markdown.escape($0, .tableCell) } ?? "?"
            out += row(
                ["\(run.index)", job, run.startedAt.map(shortTime) ?? "?"]
                    + run.phases.map { seconds($0.microseconds) } + [seconds(run.totalMicroseconds)]
                    + [
                        run.records.map(String.init) ?? "?", run.stateMessages.map(String.init) ?? "?",
                        run.stateBackendLines.isEmpty
                            ? "0"
                            : "\(run.stateBackendLineCount): "
                                + run.stateBackendLines.map { "\($0.line)" }.joined(separator: ", "),
                        run.status.rawValue,
                    ])
        }
        if log.runs.count > 1 {
            let sums = LogPhase.allCases.map { phase in sum(log.runs.map { $0.duration(phase).microseconds }) }
            out += row(
                ["", "**all runs**", ""] + sums + [sum(log.runs.map(\.totalMicroseconds))]
                    + [
                        sumCount(log.runs.map(\.records)), sumCount(log.runs.map(\.stateMessages)),
                        "\(log.runs.reduce(0) { $0 + $1.stateBackendLineCount })", "",
                    ])
        }
        let notes = self.notes(log)
        if !notes.isEmpty { out += "\n" }
        for note in notes {
            out += "- "
            out += Markdown.oneLine(note)
            out += "\n"
        }
        return out
    }

    /// Why things are unknown, run by run, then the file's own diagnostics.
    public static func notes(_ log: LogFileTimeline) -> [String] {
        var notes: [String] = []
        for run in log.runs {
            if run.status != .completed, let reason = run.statusReason {
                notes.append("run \(run.index): \(run.status.rawValue): \(reason)")
            }
            if run.kind == .el {
                notes.append("run \(run.index): a `meltano el` process: no phases")
                continue
            }
            let unknown = run.phases.filter { $0.microseconds == nil }
            if unknown.count == run.phases.count, let reason = unknown.first?.reason,
                Set(unknown.compactMap(\.reason)).count == 1
            {
                notes.append("run \(run.index): every phase unknown: \(reason)")
            } else {
                for phase in unknown {
                    notes.append("run \(run.index): \(phase.phase.rawValue) unknown: \(phase.reason ?? "?")")
                }
            }
            if run.totalMicroseconds == nil, let reason = run.totalReason, unknown.count < run.phases.count {
                notes.append("run \(run.index): total unknown: \(reason)")
            }
            if run.errorLineCount > 0 {
                notes.append(
                    "run \(run.index): \(run.errorLineCount) error line\(run.errorLineCount == 1 ? "" : "s") (first at line \(run.errorLines[0]))"
                )
            }
            for note in run.notes { notes.append("run \(run.index): \(note)") }
        }
        return notes + log.diagnostics.map(\.description)
    }

    /// Per phase and for the total: the delta summed over the paired runs, per run (mean), and
    /// its range; then the runs that found no partner.
    public static func render(_ c: TimelineComparison, baseline: [String], regressed: [String]) -> String {
        var out = "## Baseline vs regressed\n\n"
        out += "Baseline: \(names(baseline)) (\(c.pairs.count + c.unmatchedBaseline.count) runs). "
        out += "Regressed: \(names(regressed)) (\(c.pairs.count + c.unmatchedRegressed.count) runs). "
        out += "\(c.pairs.count) pair\(c.pairs.count == 1 ? "" : "s") by job name; Δ = regressed − baseline.\n\n"
        out += row([
            "phase", "baseline s", "regressed s", "Δ workload s", "Δ per run s (mean)", "Δ min..max s", "pairs",
        ])
        out += row(["---", "---:", "---:", "---:", "---:", "---:", "---:"])
        for d in c.phases + [c.total] {
            let name = d.name == "total" ? "**total**" : d.name
            let range = d.min.map { "\(signed(Double($0)))..\(signed(Double(d.max!)))" } ?? "?"
            out += row([
                name, seconds(d.pairs > 0 ? d.baselineSum : nil), seconds(d.pairs > 0 ? d.regressedSum : nil),
                d.pairs > 0 ? signed(d.sum) : "?", d.mean.map { signed($0.rounded()) } ?? "?", range,
                d.unknownPairs > 0 ? "\(d.pairs) (\(d.unknownPairs) unknown)" : "\(d.pairs)",
            ])
        }
        if c.total.pairs > 0 {
            out += "\nTotal: \(signed(c.total.sum, digits: 1, scale: 60_000_000)) min over the workload, "
            out += "\(signed(c.total.mean!.rounded())) s per run.\n"
            out += dominantPhase(c)
        }
        out += "\nUnmatched runs: "
        if c.unmatchedBaseline.isEmpty && c.unmatchedRegressed.isEmpty { return out + "none.\n" }
        out += "\n"
        for r in c.unmatchedBaseline {
            out += "- baseline only: \(unmatched(r))\n"
        }
        for r in c.unmatchedRegressed {
            out += "- regressed only: \(unmatched(r))\n"
        }
        return out
    }

    static func row(_ cells: [String]) -> String { Markdown.tableRow(cells) + "\n" }

    /// Log files' names as given, in prose.
    static func names(_ logs: [String]) -> String {
        logs.map { Markdown.escape($0, .prose) }.joined(separator: ", ")
    }

    /// `a.log run 3 (job)`: a run that found no partner.
    static func unmatched(_ r: TimelineComparison.LoggedRun) -> String {
        "\(Markdown.escape(r.log, .prose)) run \(r.run.index) "
            + "(\(r.run.pairingKey.map { Markdown.escape($0, .prose) } ?? "no job name"))"
    }

    static func seconds(_ micros: Int64?) -> String {
        guard let micros else { return "?" }
        return String(format: "%.2f", Double(micros) / 1_000_000)
    }

    static func seconds(_ micros: Double?) -> String {
        guard let micros else { return "?" }
        return String(format: "%.2f", micros / 1_000_000)
    }

    static func signed(_ micros: Double, digits: Int = 2, scale: Double = 1_000_000) -> String {
        let value = micros / scale
        let text = String(format: "%.\(digits)f", value)
        return value >= 0 && !text.hasPrefix("-") ? "+" + text : text
    }

    static func sum(_ values: [Int64?]) -> String {
        let known = values.compactMap { $0 }
        let text = seconds(MicrosecondSum.of(known))
        return known.count == values.count ? "**\(text)**" : "**\(text)** (\(known.count)/\(values.count) known)"
    }

    static func sumCount(_ values: [Int?]) -> String {
        let known = values.compactMap { $0 }
        return known.count == values.count
            ? "\(known.reduce(0, +))" : "\(known.reduce(0, +)) (\(known.count)/\(values.count) known)"
    }

    /// `2026-01-08 13:31:02` (UTC, whole seconds).
    static func shortTime(_ t: Timestamp) -> String {
        let full = t.description
        return String(full.prefix(10)) + " " + String(full.dropFirst(11).prefix(8))
    }

    /// The phase that holds most of the change, when one does: where a maintainer looks first.
    static func dominantPhase(_ c: TimelineComparison) -> String {
        guard c.total.sum != 0, let top = c.phases.max(by: { abs($0.sum) < abs($1.sum) }), top.pairs > 0 else {
            return ""
        }
        let share = top.sum / c.total.sum
        guard share >= 0.5 else { return "" }
        return "Most of it is in \(top.name): \(signed(top.sum, digits: 1, scale: 60_000_000)) min "
            + "(\(Int((share * 100).rounded()))% of the total).\n"
    }
}
