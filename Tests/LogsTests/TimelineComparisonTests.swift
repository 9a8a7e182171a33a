import Foundation
import Logs
import Model
import Testing

/// Pairing runs by job across a baseline and a regressed workload.
@Suite struct TimelineComparisonTests {
    func log(_ name: String) throws -> LogFileTimeline {
        try LogFileTimeline.read(path: LogFixtures.matatikaPath(name), name: name)
    }

    @Test func okAgainstTheSlowVersion() throws {
        let ok = try log(LogFixtures.ok)
        let slow = try log(LogFixtures.slowVersion)
        let c = TimelineComparison(baseline: [ok], regressed: [slow])
        #expect(c.pairs.count == 9 && c.unmatchedBaseline.isEmpty && c.unmatchedRegressed.isEmpty)
        #expect(
            c.pairs.map { $0.baseline.run.index } == Array(1...9)
                && c.pairs.map { $0.regressed.run.index } == Array(1...9))
        for (phase, d) in zip(LogPhase.allCases, c.phases) {
            #expect(d.name == phase.rawValue && d.pairs == 9 && d.unknownPairs == 0)
            #expect(d.baselineSum == MicrosecondSum.of(ok.runs.map { $0.duration(phase).microseconds! }))
            #expect(d.regressedSum == MicrosecondSum.of(slow.runs.map { $0.duration(phase).microseconds! }))
            let perPair = zip(ok.runs, slow.runs).map {
                $1.duration(phase).microseconds! - $0.duration(phase).microseconds!
            }
            #expect(d.min == perPair.min() && d.max == perPair.max() && d.sum == MicrosecondSum.of(perPair))
        }
        // Phases add up to the total, over the workload as per run.
        let phaseSums: Double = c.phases.map(\.sum).reduce(0, +)
        #expect(phaseSums == c.total.sum)
        let slowTotal = MicrosecondSum.of(slow.runs.map { $0.totalMicroseconds! })
        let okTotal = MicrosecondSum.of(ok.runs.map { $0.totalMicroseconds! })
        #expect(c.total.sum == slowTotal - okTotal)
        // Meltano ≥ 3.7's slow night is slow before the plugins start: state backend and discovery.
        let prePlugin = c.phases[LogPhase.allCases.firstIndex(of: .prePlugin)!]
        #expect(prePlugin.sum > 500_000_000 && prePlugin.min! > 50_000_000)
        #expect(abs(prePlugin.mean! - Double(prePlugin.sum) / 9) < 1)
    }

    @Test func unmatchedRunsAreListed() throws {
        var ok = try log(LogFixtures.ok)
        var slow = try log(LogFixtures.slowOther)
        ok.runs.removeLast(2)  // no ci_portal, no mvf
        slow.runs.removeFirst()  // no ci_leadplatform
        let c = TimelineComparison(baseline: [ok], regressed: [slow])
        #expect(c.pairs.count == 6)
        #expect(c.unmatchedBaseline.map { $0.run.index } == [1])
        #expect(c.unmatchedRegressed.map { $0.run.index } == [8, 9])
        let text = TimelineMarkdown.render(c, baseline: [ok.name], regressed: [slow.name])
        #expect(
            text.contains(
                "- baseline only: \(ok.name) run 1 (dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform)"
            ))
        #expect(
            text.contains(
                "- regressed only: \(slow.name) run 9 (dev:mysql-bigdb_prd9_mvf-to-target-snowflake:bigdb_prd9_mvf)"))
    }

    /// The same job twice in a workload pairs first with first, second with second.
    @Test func repeatedJobsPairInOrder() throws {
        let ok = try log(LogFixtures.ok)
        let c = TimelineComparison(baseline: [ok, ok], regressed: [ok])
        #expect(c.pairs.count == 9 && c.unmatchedBaseline.count == 9 && c.unmatchedRegressed.isEmpty)
        #expect(c.total.sum == 0 && c.total.min == 0 && c.total.max == 0)
    }

    @Test func unknownPhasesAreLeftOutAndCounted() throws {
        let ok = try log(LogFixtures.ok)
        var broken = ok
        broken.runs[0].phases[2] = PhaseDuration(phase: .extraction, microseconds: nil, reason: "test")
        let c = TimelineComparison(baseline: [ok], regressed: [broken])
        let extraction = c.phases[2]
        #expect(extraction.pairs == 8 && extraction.unknownPairs == 1 && extraction.sum == 0)
        #expect(
            TimelineMarkdown.render(c, baseline: ["a"], regressed: ["b"]).contains(
                "| extraction | 368.79 | 368.79 | +0.00 | +0.00 | +0.00..+0.00 | 8 (1 unknown) |"))
    }

    @Test func markdownTable() throws {
        let c = TimelineComparison(baseline: [try log(LogFixtures.ok)], regressed: [try log(LogFixtures.slowVersion)])
        let text = TimelineMarkdown.render(c, baseline: ["OK"], regressed: ["SLOW"])
        #expect(
            text.contains(
                "| phase | baseline s | regressed s | Δ workload s | Δ per run s (mean) | Δ min..max s | pairs |"))
        #expect(text.contains("| pre-plugin | 79.43 | 624.11 | +544.68 | +60.52 | +53.40..+74.53 | 9 |"))
        #expect(text.contains("| **total** | 780.43 | 1532.42 | +751.99 | +83.55 | +60.49..+101.63 | 9 |"))
        #expect(text.contains("Total: +12.5 min over the workload, +83.55 s per run."))
        #expect(text.hasSuffix("Unmatched runs: none.\n"))
    }
}
