import Foundation
import Scenario

/// The report's first line: the regression of every variant against the baseline, in minutes.
public enum Headline {
    public static func sentence(variants: [VariantSummary], scenario: Scenario, complete: Bool) -> String {
        let prefix = complete ? "" : "INCOMPLETE RUN (see Failures): "
        if scenario.workload == "microbench" {
            let parts = variants.map { v -> String in
                let ms = v.phases.first { $0.phase == "backends" }?.modelledMs.median ?? 0
                return "\(v.name) \(String(format: "%.2f", ms)) ms (\(v.scans.perInvocation.median.formatted0) scans)"
            }
            return prefix + "Seed micro-benchmark, \(scenario.microbenchBackendsCalls) backends() calls per fresh process at "
                + "\(scenario.packages) packages (median): " + parts.joined(separator: ", ") + "."
        }
        let others = variants.filter { $0.name != scenario.baseline.name }
        let parts = others.map { v -> String in
            guard let r = v.regressionMinutes else { return "\(v.name) n/a" }
            return "\(v.name) \(signed(r.estimate)) min [\(signed(r.low)), \(signed(r.high))]"
        }
        var sentence = prefix + "Estimated regression against \(scenario.baseline.name) over the \(scenario.productionRuns)-run "
            + "production workload (95% interval): " + parts.joined(separator: ", ") + "."
        let worst = others.max { ($0.regressionMinutes?.estimate ?? 0) < ($1.regressionMinutes?.estimate ?? 0) }
        if let worst, let r = worst.regressionMinutes, abs(r.estimate) >= 0.05, let top = worst.topPhase,
           let phase = worst.phases.first(where: { $0.phase == top }) {
            let scans = worst.scanRegressionMinutes ?? 0
            sentence += " For \(worst.name), \(top) explains \(signed(phase.deltaMinutes)) min "
                + "(\(Int(((phase.share ?? 0) * 100).rounded()))%); discovery scans explain \(signed(scans)) min."
        }
        return sentence
    }

    static func signed(_ minutes: Double) -> String {
        let v = abs(minutes) < 0.005 ? 0 : minutes
        return (v >= 0 ? "+" : "") + String(format: "%.2f", v)
    }
}

extension Double {
    var formatted0: String { self == rounded() ? String(Int(self)) : String(format: "%.1f", self) }
}
