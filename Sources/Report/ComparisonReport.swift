import Analysis
import Foundation
import Model

/// `simulate compare` as Markdown: per-variant and per-phase changes with intervals.
public enum ComparisonReport {
    public static func render(_ c: SummaryComparison, oldLabel: String, newLabel: String, forced: String?) -> String {
        let f = MarkdownReport.f
        let signed = MarkdownReport.signed
        var out =
            "## simulate compare\n\n\(MarkdownReport.code(oldLabel)) → \(MarkdownReport.code(newLabel)): **\(c.verdict.rawValue)** "
            + "(a change under \(MarkdownReport.f(c.thresholdPercent, 1))% of the old minutes, or within noise, is equal).\n\n"
        if let forced { out += "> **Note:** compared with --force although \(forced).\n\n" }
        var t = MarkdownTable(["variant", "old min", "new min", "change min (95%)", "verdict"], numeric: [1, 2, 3])
        for ch in c.changes {
            t.add([
                MarkdownReport.cell(ch.variant), f(ch.oldMinutes, 2), f(ch.newMinutes, 2),
                "\(signed(ch.change.estimate, 2)) [\(signed(ch.change.low, 2)), \(signed(ch.change.high, 2))]",
                ch.verdict.rawValue,
            ])
        }
        out += t.text + "\n"
        var p = MarkdownTable(["variant", "phase", "old s per run", "new s per run", "change s"], numeric: [2, 3, 4])
        for ch in c.changes {
            for ph in ch.phases where ph.oldSeconds != ph.newSeconds {
                p.add([
                    MarkdownReport.cell(ch.variant), ph.phase.rawValue, f(ph.oldSeconds, 3), f(ph.newSeconds, 3),
                    signed(ph.newSeconds - ph.oldSeconds, 3),
                ])
            }
        }
        out += p.rows.isEmpty ? "No phase changed.\n" : "Per phase:\n\n" + p.text
        if !c.unmatched.isEmpty {
            out += "\nIn one run only: \(c.unmatched.map(MarkdownReport.text).joined(separator: ", ")).\n"
        }
        return ReportPaths.scrub(out)
    }
}
