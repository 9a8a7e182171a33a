import Foundation

/// The report's headline (and `summary.json`'s): at most two sentences, every word from the run's numbers.
///
/// Pipeline runs: the first sentence is the focal variant's regression (the variant the production
/// regression was observed on, else the largest) with the phase that explains it, or "within noise";
/// the second sorts the other variants into beyond noise and within noise.
public enum Headline {
    public static func sentence(variants: [VariantSummary], scenario: Scenario, complete: Bool) -> String {
        let prefix = complete ? "" : "INCOMPLETE RUN (see Failures): "
        if scenario.workload == .microbench {
            let parts = variants.map { v -> String in
                let ms = v.phases.first { $0.phase == .backends }?.modelledMs.median ?? 0
                let own = v.distributions != scenario.packages ? " at \(v.distributions) packages" : ""
                return
                    "\(v.name) \(String(format: "%.2f", ms)) ms\(own) (\(v.scans.perInvocation.median.formatted0) scan\(v.scans.perInvocation.median == 1 ? "" : "s"))"
            }
            return prefix
                + "Seed micro-benchmark, \(scenario.microbenchBackendsCalls) backends() calls per fresh process at "
                + "\(scenario.packages) packages unless stated (median): " + parts.joined(separator: ", ") + "."
        }
        let base = scenario.baseline.name
        let others = variants.filter { $0.name != base }
        guard
            let focal = others.first(where: { $0.name == scenario.observedRegressedVariant })
                ?? others.max(by: {
                    ($0.regressionMinutes?.estimate ?? -.infinity) < ($1.regressionMinutes?.estimate ?? -.infinity)
                })
        else { return prefix + "Only the baseline \(base) ran: there is no regression to estimate." }

        var first = prefix + "Regression against \(base) over the \(scenario.productionRuns)-run production workload: "
        if let r = focal.regressionMinutes {
            first += "\(focal.name) \(interval(r)) (95% interval)"
            if shareable(focal), let top = focal.topPhase, let phase = focal.phases.first(where: { $0.phase == top }),
                let share = phase.share
            {
                first += ", of which \(top) \(signed(phase.deltaMinutes)) min (\(percent(share)))"
            } else if !beyondNoise(r) {
                first += ", within noise (the interval includes 0)"
            }
        } else {
            first += "\(focal.name) n/a (no finished invocation)"
        }
        let scans = others.compactMap(\.scanRegressionMinutes)
        if let most = scans.max(by: { abs($0) < abs($1) }) {
            first +=
                "; discovery scans \(others.count == 1 ? "" : "at most ")\(signed(most)) min\(others.count == 1 ? "" : " in any variant")"
        }
        first += "."

        // The second sentence: every other variant, grouped by whether its interval excludes 0.
        let rest = others.filter { $0.name != focal.name }
        guard !rest.isEmpty else { return first }
        let focalBeyond = focal.regressionMinutes.map(beyondNoise) ?? false
        let beyond = rest.filter { $0.regressionMinutes.map(beyondNoise) ?? false }
        let within = rest.filter { $0.regressionMinutes.map { !beyondNoise($0) } ?? false }
        let missing = rest.filter { $0.regressionMinutes == nil }
        var clauses: [String] = []
        if !beyond.isEmpty {
            let parts = beyond.map { "\($0.name) \(signed($0.regressionMinutes?.estimate ?? 0))" }
            clauses.append(
                (focalBeyond ? "also beyond noise: " : "beyond noise: ") + parts.joined(separator: ", ") + " min")
        }
        if !within.isEmpty {
            let parts = within.map { "\($0.name) \(interval($0.regressionMinutes!))" }
            clauses.append(
                (focalBeyond ? "within noise (interval includes 0): " : "also within noise: ")
                    + parts.joined(separator: ", "))
        }
        if !missing.isEmpty {
            clauses.append(
                "no finished invocation, so no estimate: " + missing.map { "\($0.name) n/a" }.joined(separator: ", "))
        }
        let second = clauses.joined(separator: "; ")
        return first + " " + second.prefix(1).uppercased() + second.dropFirst() + "."
    }

    /// Whether a regression's interval excludes zero: the only regressions the report calls real.
    public static func beyondNoise(_ r: Interval) -> Bool { r.low > 0 || r.high < 0 }

    /// Whether a variant's regression can be shared out among phases and kinds of work: beyond noise
    /// and at least `RunAnalyzer.minimumShareableMinutes` (the analyzer sets `share` on the size alone).
    public static func shareable(_ v: VariantSummary) -> Bool {
        guard let r = v.regressionMinutes else { return false }
        return beyondNoise(r) && abs(r.estimate) >= RunAnalyzer.minimumShareableMinutes
    }

    /// `+11.19 min [+10.99, +11.41]`.
    static func interval(_ r: Interval) -> String { "\(signed(r.estimate)) min [\(signed(r.low)), \(signed(r.high))]" }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    static func signed(_ minutes: Double) -> String {
        let v = abs(minutes) < 0.005 ? 0 : minutes
        return (v >= 0 ? "+" : "") + String(format: "%.2f", v)
    }
}

extension Double {
    var formatted0: String { self == rounded() ? String(Int(self)) : String(format: "%.1f", self) }
}
