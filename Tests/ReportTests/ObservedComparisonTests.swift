import Analysis
import Foundation
import Model
import Testing

@testable import Report

/// The simulation held against production's logs phase by phase: the verdicts follow the numbers.
@Suite struct ObservedComparisonTests {
    /// Logs whose per-run change is `perRun` seconds in each named log phase (9 paired runs).
    static func logs(_ perRun: [LogPhase: Double]) -> ObservedLogs {
        ObservedLogs(
            baselineLogs: ["base.log"], regressedLogs: ["slow.log"], pairs: 9,
            phases: LogPhase.allCases.map {
                ObservedLogs.PhaseDelta(
                    phase: $0, deltaSecondsPerRun: perRun[$0] ?? 0, baselineSecondsPerRun: 10, pairs: 9)
            },
            totalDeltaSecondsPerRun: perRun.values.reduce(0, +), baselineTotalSecondsPerRun: 90)
    }

    /// meltano-3.7.9 is +2 s per run in `settings` (pre-plugin): 0.3 min over 9 runs.
    static func variant() throws -> VariantSummary {
        try #require(try SyntheticRuns.scansExplain().variants.first { $0.name == "meltano-3.7.9" })
    }

    @Test func aPhaseTheModelOverExplainsAndOneItLeavesUnexplained() throws {
        let v = try Self.variant()
        let simulated = v.phases.filter { $0.phase.logPhase == .prePlugin }.reduce(0) { $0 + $1.deltaMinutes }
        #expect(abs(simulated - 0.3) < 0.01)
        // Production: pre-plugin did not change, extraction grew 4 s per run (0.6 min).
        let o = ObservedAttribution.compare(logs: Self.logs([.extraction: 4]), variant: v, productionRuns: 9)
        #expect(o.overExplained == [.prePlugin])
        #expect(o.underExplained == [.extraction])
        let row = try #require(o.rows.first { $0.phase == .extraction })
        #expect(abs((row.unexplainedMinutes ?? 0) - 0.6) < 0.01)
        #expect(row.simulatedPhases.contains(.pages))
        let text = ObservedSection.render(o, baseline: "meltano-3.6.0")
        #expect(text.contains("- `pre-plugin`: the model puts +0.30 min here, production's logs +0.00 min"), "\(text)")
        #expect(text.contains("- `extraction`: production's logs +0.60 min"), "\(text)")
        #expect(!text.contains("only because these errors cancel"), "\(text)")
        #expect(text.contains("| target-tail | target (assumed): not modelled |"), "\(text)")
    }

    @Test func totalsThatAgreeOnlyByCancellingAreCalledOut() throws {
        let v = try Self.variant()
        // The same +0.3 min in total, but all of it in extraction.
        let o = ObservedAttribution.compare(logs: Self.logs([.extraction: 2]), variant: v, productionRuns: 9)
        #expect(o.overExplained == [.prePlugin] && o.underExplained == [.extraction])
        let text = ObservedSection.render(o, baseline: "meltano-3.6.0")
        #expect(text.contains("only because these errors cancel"), "\(text)")
        let headline = Headline.productionSentence(o) ?? ""
        #expect(headline.contains("the totals agree only because the phases' errors cancel"), "\(headline)")
    }

    @Test func aModelThatMatchesEveryPhaseSaysSo() throws {
        let v = try Self.variant()
        let o = ObservedAttribution.compare(logs: Self.logs([.prePlugin: 2]), variant: v, productionRuns: 9)
        #expect(o.overExplained.isEmpty && o.underExplained.isEmpty)
        #expect(ObservedSection.render(o, baseline: "b").contains("matched by the model within 0.25 min"))
        #expect((Headline.productionSentence(o) ?? "").contains("the model matches every phase"))
    }
}
