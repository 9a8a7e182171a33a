import Foundation
import Model

/// The report's headline (and `summary.json`'s): at most two sentences, every word from the run's
/// numbers, after the outcome's when the run is incomplete.
///
/// Pipeline runs: the first sentence is the focal variant's regression (the variant the production
/// regression was observed on, else the largest) with the phase that explains it, or "within noise";
/// the second sorts the other variants into beyond noise and within noise.
public enum Headline {
    /// The variant the headline is about: the one the production regression was observed on, else
    /// the one with the largest regression; nil when only the baseline ran.
    public static func focal(_ variants: [VariantSummary], scenario: Scenario) -> VariantSummary? {
        let others = variants.filter { $0.name != scenario.baseline.name }
        return others.first(where: { $0.name == scenario.observedRegressedVariant })
            ?? others.max(by: {
                ($0.regressionMinutes?.estimate ?? -.infinity) < ($1.regressionMinutes?.estimate ?? -.infinity)
            })
    }

    /// The headline; an incomplete run's starts with "INCOMPLETE", the reasons and counts, then
    /// says the estimate is on the invocations that completed, or that there is none.
    public static func sentence(
        variants: [VariantSummary], scenario: Scenario, outcome: RunOutcome, observed: ObservedComparison? = nil
    ) -> String {
        guard outcome.status == .incomplete else {
            return sentence(variants: variants, scenario: scenario, prefix: "", observed: observed)
        }
        let opening = "INCOMPLETE: \(outcome.reasonText)."
        guard outcome.completedInvocations > 0 else {
            return opening + " No invocation completed, so there is no estimate."
        }
        let on =
            " Estimate on the \(outcome.completedInvocations) of \(outcome.plannedInvocations) invocations "
            + "that completed: "
        return sentence(variants: variants, scenario: scenario, prefix: opening + on, observed: observed)
    }

    static func sentence(
        variants: [VariantSummary], scenario: Scenario, prefix: String, observed: ObservedComparison?
    ) -> String {
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
        guard let focal = focal(variants, scenario: scenario) else {
            return prefix + "Only the baseline \(base) ran: there is no regression to estimate."
        }

        var first = prefix + "Regression against \(base) over \(scenario.workloadPhrase): "
        if let r = focal.regressionMinutes {
            first += "\(focal.name) \(interval(r)) (95% interval)"
            if shareable(focal), let top = focal.topPhase, let phase = focal.phases.first(where: { $0.phase == top }),
                let share = phase.share
            {
                first += ", of which \(top) \(signed(phase.deltaMinutes)) min (\(percent(share)))"
                // Never more minutes to a mechanism than production's logs put in the phase where it runs.
                if let logPhase = top.logPhase, let row = observed?.rows.first(where: { $0.phase == logPhase }),
                    let seen = row.observedMinutes, phase.deltaMinutes > seen + (observed?.slackMinutes ?? 0)
                {
                    first += ", more than the \(signed(seen)) min production's logs show in \(logPhase), where it runs"
                }
            } else if !beyondNoise(r) {
                first += ", within noise (the interval includes 0)"
            }
        } else {
            first += "\(focal.name) n/a (no completed invocation)"
        }
        let scans = others.compactMap(\.scanRegressionMinutes)
        if let most = scans.max(by: { abs($0) < abs($1) }) {
            first +=
                "; discovery scans \(others.count == 1 ? "" : "at most ")\(signed(most)) min\(others.count == 1 ? "" : " in any variant")"
        }
        first += "."

        if let observed, let sentence = productionSentence(observed) { return first + " " + sentence }
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
                "no completed invocation, so no estimate: " + missing.map { "\($0.name) n/a" }.joined(separator: ", "))
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

extension Headline {
    /// With production's logs: whether the model explains their change, and where it does not.
    public static func productionSentence(_ o: ObservedComparison) -> String? {
        guard let total = o.observedTotalMinutes else { return nil }
        var text = "Production's logs changed \(signed(total)) min over \(o.logs.pairs) paired runs"
        func rows(_ phases: [LogPhase]) -> [ObservedComparison.Row] { o.rows.filter { phases.contains($0.phase) } }
        let over = rows(o.overExplained).map {
            "\($0.phase) (\(signed($0.simulatedMinutes)) simulated vs \(signed($0.observedMinutes ?? 0)) observed)"
        }
        let under = rows(o.underExplained).map { "\($0.phase) \(signed($0.unexplainedMinutes ?? 0))" }
        if over.isEmpty && under.isEmpty {
            text += "; the model matches every phase within \(String(format: "%.2f", o.slackMinutes)) min"
        } else {
            if !over.isEmpty { text += "; the model puts too many minutes in " + over.joined(separator: ", ") }
            if !under.isEmpty { text += "; unexplained by the model: " + under.joined(separator: ", ") + " min" }
            if abs(o.simulatedTotalMinutes - total) <= o.slackMinutes, !over.isEmpty {
                text += " (the totals agree only because the phases' errors cancel)"
            }
        }
        if let top = o.dominantUnexplained {
            text += "; most of the change is in \(top.phase), which the modelled version difference does not touch"
        }
        return text + "."
    }
}

extension Double {
    var formatted0: String { self == rounded() ? String(Int(self)) : String(format: "%.1f", self) }
}
