import Analysis
import Foundation
import Model

/// "Observed in production", phase by phase: the scenario's production logs against the simulation
/// (docs/logs.md, "The report against production"). Every sentence follows the numbers.
enum ObservedSection {
    static func render(_ o: ObservedComparison, baseline: String) -> String {
        typealias R = MarkdownReport
        var out = "## Observed in production, phase by phase\n\n"
        out +=
            "Production logs: baseline \(names(o.logs.baselineLogs)), regressed \(names(o.logs.regressedLogs)); "
            + "\(o.logs.pairs) runs paired by job. Each log phase's change (regressed − baseline) is scaled to the "
            + "production workload and set beside the simulated change of \(R.code(o.variant)) against \(R.code(baseline)) in "
            + "the simulated phases whose work happens there.\n\n"
        var t = MarkdownTable(
            ["log phase", "its steps", "observed Δ min", "simulated Δ min", "explained", "unexplained Δ min"],
            numeric: [2, 3, 4, 5])
        for row in o.rows {
            t.add([
                row.phase.rawValue,
                steps(row.simulatedPhases),
                row.observedMinutes.map { R.signed($0) } ?? "unknown", R.signed(row.simulatedMinutes),
                row.explainedShare.map(R.percent) ?? "–", row.unexplainedMinutes.map { R.signed($0) } ?? "–",
            ])
        }
        t.add([
            "**total**", "", o.observedTotalMinutes.map { "**\(R.signed($0))**" } ?? "unknown",
            "**\(R.signed(o.simulatedTotalMinutes))**", "",
            o.observedTotalMinutes.map { "**\(R.signed($0 - o.simulatedTotalMinutes))**" } ?? "–",
        ])
        out += t.text + "\n"
        out += verdict(o) + "\n\n"
        return out
    }

    /// What the table says, in words, from its own rows.
    /// A log phase's steps by their own names (`catalog-write`, `other (assumed)`); "not modelled"
    /// when only the assumed one is there.
    static func steps(_ phases: [Phase]) -> String {
        let names = phases.map { $0.isAssumed ? "\($0.step) (assumed)" : $0.step }
        guard phases.contains(where: { !$0.isAssumed }) else {
            return names.isEmpty ? "none (not modelled)" : names.joined(separator: ", ") + ": not modelled"
        }
        return names.joined(separator: ", ")
    }

    static func verdict(_ o: ObservedComparison) -> String {
        typealias R = MarkdownReport
        let slack = R.f(o.slackMinutes)
        var lines: [String] = []
        for row in o.rows where o.overExplained.contains(row.phase) {
            lines.append(
                "- `\(row.phase)`: the model puts \(R.signed(row.simulatedMinutes)) min here, production's logs "
                    + "\(R.signed(row.observedMinutes ?? 0)) min: it over-explains this phase by "
                    + "\(R.f(-(row.unexplainedMinutes ?? 0))) min.")
        }
        for row in o.rows where o.underExplained.contains(row.phase) {
            let modelled =
                row.simulatedPhases.allSatisfy(\.isAssumed)
                ? "no simulated step runs here" : "the model explains \(R.signed(row.simulatedMinutes)) min"
            lines.append(
                "- `\(row.phase)`: production's logs \(R.signed(row.observedMinutes ?? 0)) min; \(modelled); "
                    + "\(R.signed(row.unexplainedMinutes ?? 0)) min unexplained.")
        }
        var closing = ""
        if let top = o.dominantUnexplained, let total = o.observedTotalMinutes {
            closing =
                "\n\nMost of production's change (\(R.signed(top.observedMinutes ?? 0)) of \(R.signed(total)) min) is in "
                + "`\(top.phase)`, where the simulated variants differ by \(R.signed(top.simulatedMinutes)) min: it is not the "
                + "version difference the model simulates; `\(top.phase)` explains it."
        }
        if lines.isEmpty {
            return "Every log phase's change is matched by the model within \(slack) min." + closing
        }
        var text =
            "Where the model and production differ by more than \(slack) min:\n\n" + lines.joined(separator: "\n")
        if let total = o.observedTotalMinutes, abs(total - o.simulatedTotalMinutes) <= o.slackMinutes,
            !o.overExplained.isEmpty
        {
            text +=
                "\n\nThe totals agree (\(R.signed(o.simulatedTotalMinutes)) vs \(R.signed(total)) min) only because "
                + "these errors cancel: the total alone would have confirmed the model for the wrong reason."
        }
        return text + closing
    }

    static func names(_ logs: [String]) -> String {
        logs.map { MarkdownReport.code(($0 as NSString).lastPathComponent) }.joined(separator: ", ")
    }
}
