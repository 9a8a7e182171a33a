import Foundation
import Scenario

/// The report's first line: the regression of every variant against the baseline, in minutes.
public enum Headline {
    public static func sentence(variants: [VariantSummary], scenario: Scenario, complete: Bool) -> String {
        let prefix = complete ? "" : "INCOMPLETE RUN (see Failures): "
        if scenario.workload == .microbench {
            let parts = variants.map { v -> String in
                let ms = v.phases.first { $0.phase == .backends }?.modelledMs.median ?? 0
                let own = v.distributions != scenario.packages ? " at \(v.distributions) packages" : ""
                return "\(v.name) \(String(format: "%.2f", ms)) ms\(own) (\(v.scans.perInvocation.median.formatted0) scan\(v.scans.perInvocation.median == 1 ? "" : "s"))"
            }
            return prefix + "Seed micro-benchmark, \(scenario.microbenchBackendsCalls) backends() calls per fresh process at "
                + "\(scenario.packages) packages unless stated (median): " + parts.joined(separator: ", ") + "."
        }
        let others = variants.filter { $0.name != scenario.baseline.name }
        let parts = others.map { v -> String in
            guard let r = v.regressionMinutes else { return "\(v.name) n/a" }
            return "\(v.name) \(signed(r.estimate)) min [\(signed(r.low)), \(signed(r.high))]"
        }
        var sentence = prefix + "Estimated regression against \(scenario.baseline.name) over the \(scenario.productionRuns)-run "
            + "production workload (95% interval): " + parts.joined(separator: ", ") + "."
        // The variant the production regression was observed on, else the largest regression.
        let focal = others.first { $0.name == scenario.observedRegressedVariant }
            ?? others.max { ($0.regressionMinutes?.estimate ?? 0) < ($1.regressionMinutes?.estimate ?? 0) }
        // `topPhase` is set only for a regression large enough to share out (`minimumShareableMinutes`).
        if let focal, let top = focal.topPhase,
           let phase = focal.phases.first(where: { $0.phase == top }) {
            let scans = others.map { $0.scanRegressionMinutes ?? 0 }.max() ?? 0
            let interval = focal.topPhaseMinutes.map { " [\(signed($0.low)), \(signed($0.high))]" } ?? ""
            sentence += " For \(focal.name), \(top) explains \(signed(phase.deltaMinutes)) min\(interval) "
                + "(\(Int(((phase.share ?? 0) * 100).rounded()))%); discovery scans explain at most \(signed(scans)) min in any variant."
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
