import Analysis
import Foundation
import Model

/// `simulate fit`'s Markdown: the answer first, then every step (each a real run).
public enum FitReport {
    public static func markdown(
        scenario: String, knob: String, integer: Bool, variant: String, observed: Double, sentence: String,
        steps: [Bisection.Step], command: String
    ) -> String {
        var out = Markdown.oneLine(sentence) + "\n\n# simulate fit --scenario \(scenario) --knob \(knob)\n\n"
        out +=
            "Target: the regression of \(MarkdownReport.code(variant)) equals the observed \(MarkdownReport.f(observed)) min. "
            + "Each step below is a whole run (bracketing the range, then bisection); the interval of the answer is the "
            + "closest steps' 95% half-width divided by the slope fitted over all steps.\n\n"
        var t = MarkdownTable(["step", knob, "regression min", "95% interval"], numeric: [0, 1, 2])
        for (i, s) in steps.enumerated() {
            t.add([
                "\(i + 1)", integer ? String(Int(s.x.rounded())) : String(format: "%.4f", s.x),
                MarkdownReport.signed(s.y), "[\(MarkdownReport.signed(s.low)), \(MarkdownReport.signed(s.high))]",
            ])
        }
        return ReportPaths.scrub(out + t.text + "\nReproduce:\n\n" + Markdown.escape(command, .fencedBlock(info: "sh")))
    }
}
