import Analysis
import Foundation
import Model
import Pipeline
import Scenario
import Testing

@Suite struct HeadlineTests {
    /// Three variants: meltano-3.7.9 as in `HandCase`, persistent equal to the baseline.
    func threeVariantSummary() throws -> (RunSummary, Scenario) {
        let yaml = HandCase.yaml.replacingOccurrences(
            of: "variants: [meltano-3.6.0, meltano-3.7.9]",
            with: "variants: [meltano-3.6.0, meltano-3.7.9, persistent]")
        let scenario = try ScenarioLoader.load(yaml: yaml, displayName: "three.yaml")
        let base = try HandCase.invocations().filter { $0.variant == "meltano-3.6.0" }
        let copies = try base.enumerated().map { offset, inv -> HandInvocation in
            var copy = inv
            copy.index = 10 + offset
            copy.variant = "persistent"
            copy.outcome = try outcome(succeeded: true, scans: offset == 0 ? 1 : 0)
            return copy
        }
        let plan = HandCase.plan + [spec(10, 0, "persistent"), spec(11, 1, "persistent")]
        let all = try events(
            HandCase.invocations() + copies, startOrder: HandCase.startOrder + [10, 11],
            finishOrder: HandCase.finishOrder + [10, 11])
        return (analyze(scenario, plan: plan, events: all), scenario)
    }

    /// `+0.22`, `-0.01`, `+0.00`: the headline's signed two-decimal form.
    func signed(_ v: Double) -> String {
        let r = abs(v) < 0.005 ? 0 : v
        return (r >= 0 ? "+" : "") + String(format: "%.2f", r)
    }

    @Test func namesEveryNonBaselineVariantInMinutes() throws {
        let (summary, scenario) = try threeVariantSummary()
        let sentence = Headline.sentence(variants: summary.variants, scenario: scenario, outcome: complete)
        // The hand case loses one invocation: the summary's own headline says so first.
        #expect(try #require(summary.outcome).status == .incomplete)
        #expect(summary.headline.hasSuffix(": " + sentence))
        #expect(
            summary.headline
                == Headline.sentence(
                    variants: summary.variants, scenario: scenario, outcome: try #require(summary.outcome)))
        #expect(
            sentence.hasPrefix(
                "Regression against meltano-3.6.0 over the 9-run production workload: meltano-3.7.9 +0.22 min ["))
        #expect(!sentence.contains("\n"))
        // At most two sentences: a full stop before a space or the end ends one ("+0.22" does not).
        #expect(sentence.components(separatedBy: ". ").count + (sentence.hasSuffix(".") ? 0 : -1) <= 2, "\(sentence)")
        for v in summary.variants where v.name != "meltano-3.6.0" {
            let r = try #require(v.regressionMinutes)
            let part = "\(v.name) \(signed(r.estimate)) min [\(signed(r.low)), \(signed(r.high))]"
            #expect(sentence.contains(part), "missing '\(part)' in: \(sentence)")
        }
        #expect(sentence.contains("meltano-3.7.9 +0.22 min ["))
        #expect(sentence.contains("persistent +0.00 min ["))
        // The baseline appears only as the reference.
        #expect(sentence.components(separatedBy: "meltano-3.6.0").count == 2)
        // The worst variant's top phase, the discovery scans; then the others by whether their interval excludes 0.
        #expect(
            sentence.contains(
                " (95% interval), of which pre-plugin/settings +0.15 min (69%); discovery scans at most +0.18 min in any variant. "
            ),
            "\(sentence)")
        #expect(
            sentence.hasSuffix(" Within noise (interval includes 0): persistent +0.00 min [-0.06, +0.06]."),
            "\(sentence)")
    }

    let complete = RunOutcome(status: .complete, reasons: [], plannedInvocations: 6, completedInvocations: 6)

    @Test func incompleteRunsSayIncompleteFirstWithTheReasonAndCounts() throws {
        let (summary, scenario) = try threeVariantSummary()
        let lost = RunOutcome(
            status: .incomplete, reasons: [.init(reason: .lostInvocations, count: 1, text: "1 of 6 invocations lost")],
            plannedInvocations: 6, completedInvocations: 5)
        let sentence = Headline.sentence(variants: summary.variants, scenario: scenario, outcome: lost)
        let whole = Headline.sentence(variants: summary.variants, scenario: scenario, outcome: complete)
        #expect(!whole.contains("INCOMPLETE"))
        #expect(
            sentence
                == "INCOMPLETE: 1 of 6 invocations lost. Estimate on the 5 of 6 invocations that completed: " + whole)
    }

    @Test func aRunWhereNothingCompletedHasNoEstimate() throws {
        let (summary, scenario) = try threeVariantSummary()
        let failed = RunOutcome(
            status: .incomplete,
            reasons: [
                .init(
                    reason: .httpFailedInvocations, count: 6, text: "6 of 6 invocations failed (an HTTP call gave up)"),
                .init(reason: .locksLeft, count: 2, text: "2 locks left"),
            ], plannedInvocations: 6, completedInvocations: 0)
        let sentence = Headline.sentence(variants: summary.variants, scenario: scenario, outcome: failed)
        #expect(
            sentence
                == "INCOMPLETE: 6 of 6 invocations failed (an HTTP call gave up); 2 locks left. "
                + "No invocation completed, so there is no estimate.")
        #expect(!sentence.contains(" min"))
    }

    @Test func smallRegressionsGetNoAttributionSentence() throws {
        // Only the persistent variant, which matches the baseline: within noise, no phase named.
        let (summary, _) = try threeVariantSummary()
        let yaml = HandCase.yaml.replacingOccurrences(
            of: "variants: [meltano-3.6.0, meltano-3.7.9]",
            with: "variants: [meltano-3.6.0, persistent]")
        let scenario = try ScenarioLoader.load(yaml: yaml, displayName: "two.yaml")
        let variants = summary.variants.filter { $0.name != "meltano-3.7.9" }
        let sentence = Headline.sentence(variants: variants, scenario: scenario, outcome: complete)
        #expect(sentence.hasPrefix("Regression against meltano-3.6.0"))
        #expect(sentence.contains(": persistent +0.00 min ["), "\(sentence)")
        #expect(sentence.contains("within noise (the interval includes 0)"), "\(sentence)")
        #expect(sentence.hasSuffix("; discovery scans +0.00 min."), "\(sentence)")
        #expect(!sentence.contains("of which"))
    }
}
