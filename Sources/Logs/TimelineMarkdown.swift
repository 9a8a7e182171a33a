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
        out.reserveCapacity(1024 + log.runs.count * 256)
        let totals = SumRow(log.runs)
        let counts = RunStatus.allCases.compactMap { s in
            totals.byStatus[s] > 0 ? "\(totals.byStatus[s]) \(s.rawValue)" : nil
        }
        out += summaryLine(log, keptCounts: counts.joined(separator: ", "))
        let phaseColumns = LogPhase.allCases.map { "\($0.rawValue) s" }
        out += row(
            ["run", "job", "started (UTC)"] + phaseColumns + [
                "total s", "records", "STATE msgs", "state-backend lines", "status",
            ])
        out += row(["---:", "---", "---"] + phaseColumns.map { _ in "---:" } + ["---:", "---:", "---:", "---", "---"])
        var cells: [String] = []  // one array for every row: a log can keep 20,000 runs
        cells.reserveCapacity(phaseColumns.count + 8)
        log.runs.withUnsafeBufferPointer { runs in
            for i in runs.indices {
                cells.removeAll(keepingCapacity: true)
                runCells(runs[i], into: &cells)
                Markdown.appendTableRow(cells, to: &out)
                out += "\n"
            }
        }
        if log.runs.count > 1 {
            out += row(
                ["", "**all runs**", ""] + totals.phases.map(sum) + [sum(totals.total)]
                    + [sumCount(totals.records), sumCount(totals.stateMessages), "\(totals.stateBackendLines)", ""])
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

    /// A run's row: index, job, start, each phase, total, counts, status.
    private static func runCells(_ run: borrowing RunTimeline, into cells: inout [String]) {
        cells.append(String(run.index))
        cells.append(run.pairingKey.map { Markdown.escape($0, .tableCell) } ?? "?")
        cells.append(run.startedAt.map(shortTime) ?? "?")
        for phase in run.phases { cells.append(seconds(phase.microseconds)) }
        cells.append(seconds(run.totalMicroseconds))
        cells.append(run.records.map(String.init) ?? "?")
        cells.append(run.stateMessages.map(String.init) ?? "?")
        cells.append(
            run.stateBackendLines.isEmpty
                ? "0"
                : "\(run.stateBackendLineCount): " + run.stateBackendLines.map { "\($0.line)" }.joined(separator: ", "))
        cells.append(run.status.rawValue)
    }

    /// Why things are unknown, run by run, then the file's own diagnostics. A note that several
    /// runs share is one line naming them all (`runs 1-3, 7: extraction unknown: ...`), where the
    /// first of them would be: a log of 20,000 partial runs says each reason once.
    public static func notes(_ log: LogFileTimeline) -> [String] {
        var folded = RunNoteFolder()
        log.runs.withUnsafeBufferPointer { runs in
            for i in runs.indices { appendNotes(of: runs[i], to: &folded) }
        }
        return folded.lines + log.diagnostics.map(\.description)
    }

    private static func appendNotes(of run: borrowing RunTimeline, to notes: inout RunNoteFolder) {
        let index = run.index
        if run.status != .completed, let reason = run.statusReason { notes.add(index, .status(run.status, reason)) }
        if run.kind == .el {
            notes.add(index, .meltanoEl)
            return
        }
        let unknownCount = run.phases.reduce(0) { $0 + ($1.microseconds == nil ? 1 : 0) }
        if unknownCount == run.phases.count, let reason = run.phases.first?.reason,
            run.phases.allSatisfy({ $0.reason == reason })
        {
            notes.add(index, .everyPhaseUnknown(reason))
        } else {
            for phase in run.phases where phase.microseconds == nil {
                notes.add(index, .phaseUnknown(phase.phase, phase.reason ?? "?"))
            }
        }
        if run.totalMicroseconds == nil, let reason = run.totalReason, unknownCount < run.phases.count {
            notes.add(index, .totalUnknown(reason))
        }
        if run.errorLineCount > 0 { notes.add(index, .errorLines(run.errorLineCount, first: run.errorLines[0])) }
        for note in run.notes { notes.add(index, .diagnostic(note.description)) }
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
        // Whole hundredths by integer arithmetic (a table of 20,000 runs formats 140,000 of these);
        // `%.2f` where it could round otherwise: an exact tie, a negative value, past 2^50 µs.
        guard micros >= 0, micros < 1 << 50, micros % 10_000 != 5_000 else {
            return String(format: "%.2f", Double(micros) / 1_000_000)
        }
        let hundredths = (micros + 5_000) / 10_000
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
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

    static func sum(_ column: SumRow.Column<Double>) -> String {
        let text = seconds(column.sum)
        return column.known == column.of ? "**\(text)**" : "**\(text)** (\(column.known)/\(column.of) known)"
    }

    static func sumCount(_ column: SumRow.Column<Int>) -> String {
        column.known == column.of ? "\(column.sum)" : "\(column.sum) (\(column.known)/\(column.of) known)"
    }

    /// `2026-01-08 13:31:02` (UTC, whole seconds).
    static func shortTime(_ t: Timestamp) -> String {
        // `description` is ASCII, so bytes are characters: its first 10, a space, then 8 from the 12th.
        let full = Array(t.description.utf8)
        let time = full.dropFirst(11).prefix(8)
        return String(decoding: full.prefix(10) + [0x20] + time, as: UTF8.self)
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

/// The table's sum row and the status counts, gathered in one pass over the runs, none of them
/// copied (a log can keep 20,000 runs).
struct SumRow {
    /// A column's sum over the runs that know the value, how many do, and of how many runs.
    struct Column<Value: AdditiveArithmetic> {
        var sum: Value = .zero
        var known = 0
        var of = 0

        mutating func add(_ value: Value?) {
            of += 1
            guard let value else { return }
            sum += value
            known += 1
        }
    }

    var phases = [Column<Double>](repeating: Column(), count: LogPhase.allCases.count)
    var total = Column<Double>()
    var records = Column<Int>()
    var stateMessages = Column<Int>()
    var stateBackendLines = 0
    var byStatus = RunStatusCounts()

    init(_ runs: [RunTimeline]) {
        runs.withUnsafeBufferPointer { runs in
            for i in runs.indices { add(runs[i]) }
        }
    }

    private mutating func add(_ run: borrowing RunTimeline) {
        // Microseconds summed as `Double` (`MicrosecondSum`): runs spanning years 1 to 9999 overflow `Int64`.
        for (p, phase) in LogPhase.allCases.enumerated() {
            phases[p].add(run.phases.first { $0.phase == phase }?.microseconds.map(Double.init))
        }
        total.add(run.totalMicroseconds.map(Double.init))
        records.add(run.records)
        stateMessages.add(run.stateMessages)
        stateBackendLines += run.stateBackendLineCount
        byStatus[run.status] += 1
    }
}
