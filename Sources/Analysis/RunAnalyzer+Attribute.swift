import Foundation
import Model

extension RunAnalyzer {
    /// Regression per variant with its interval, each phase's and category's share of it, and the
    /// top phase with its own interval.
    /// The interval also covers the cost profile's stated spread (`CostSpread`).
    func attribute(_ variants: inout [VariantSummary], _ accumulator: RunAccumulator, costs: CostProfile) {
        let scenario = accumulator.scenario
        guard let b = variants.firstIndex(where: { $0.name == scenario.baseline.name }) else { return }
        let scale = Double(scenario.productionRuns) / 60
        let base = accumulator.variants[b]
        for v in variants.indices where v != b {
            let mine = accumulator.variants[v]
            // Every invocation's, not the summary's capped list. Listed jobs differ in size by
            // design: only the spread within each job is chance.
            let listed = scenario.jobEntries != nil
            let totals = listed ? mine.totalsWithinJobs() : mine.totals
            let baseTotals = listed ? base.totalsWithinJobs() : base.totals
            // No finished invocation on either side: there is nothing to compare, not a zero.
            guard !totals.isEmpty, !baseTotals.isEmpty else { continue }
            let statistical = DifferenceOfMeans.interval(
                totals, baseTotals, scale: scale, seed: scenario.seed ^ UInt64(v + 1))
            let costHalf = CostSpread.halfWidth(
                variant: unitMinutes(mine, variant: v, accumulator, scale: scale, costs: costs),
                baseline: unitMinutes(base, variant: b, accumulator, scale: scale, costs: costs), costs: costs)
            let interval = CostSpread.widen(statistical, by: costHalf)
            variants[v].regressionMinutes = interval
            variants[v].regressionCostSpreadMinutes = costHalf > 0 ? costHalf : nil
            // Shares of a regression indistinguishable from zero are noise over noise: leave them out.
            let shareable = abs(interval.estimate) >= Self.minimumShareableMinutes
            for p in accumulator.phaseNames.indices {
                let delta = scale * (mine.phases[p].seconds.mean - base.phases[p].seconds.mean)
                variants[v].phases[p].deltaMinutes = delta
                variants[v].phases[p].share = shareable ? delta / interval.estimate : nil
            }
            variants[v].topPhase =
                shareable ? variants[v].phases.max { abs($0.deltaMinutes) < abs($1.deltaMinutes) }?.phase : nil
            if let top = variants[v].topPhase, let p = accumulator.phaseNames.firstIndex(of: top) {
                variants[v].topPhaseMinutes = topPhaseInterval(
                    mine, base, phase: p, scale: scale, seed: scenario.seed ^ UInt64(100 + v))
            }
            variants[v].mannWhitney = MannWhitney.test(totals, baseTotals)
            variants[v].jobs = variants[v].jobs.map { jobs in
                jobs.enumerated().map { j, job in
                    var job = job
                    if let mine = job.minutes, let theirs = variants[b].jobs?[j].minutes {
                        job.deltaMinutes = mine - theirs
                    }
                    return job
                }
            }
            variants[v].categories = CostCategory.allCases.indices.map { c in
                let delta =
                    scale
                    * (average(mine.categorySums[c], over: mine.finishedCount)
                        - average(base.categorySums[c], over: base.finishedCount))
                return CategoryShare(
                    category: CostCategory.allCases[c], minutes: delta,
                    share: shareable ? delta / interval.estimate : nil)
            }
        }
    }

    /// The bootstrap over each invocation's seconds in the phase while both variants kept them,
    /// the normal approximation from the folded moments once either outgrew the bootstrap.
    func topPhaseInterval(
        _ a: VariantAccumulator, _ b: VariantAccumulator, phase p: Int, scale: Double, seed: UInt64
    ) -> Interval {
        if DifferenceOfMeans.usesBootstrap(a.finishedCount, b.finishedCount),
            let x = a.seconds(ofPhaseAt: p), let y = b.seconds(ofPhaseAt: p)
        {
            return Bootstrap.differenceOfMeans(x, y, scale: scale, seed: seed)
        }
        return DifferenceOfMeans.normal(a.phases[p].seconds, b.phases[p].seconds, scale: scale)
    }

    /// A variant's minutes over the production workload per cost unit, from its phases' means.
    func unitMinutes(
        _ a: VariantAccumulator, variant v: Int, _ accumulator: RunAccumulator, scale: Double, costs: CostProfile
    ) -> [CostUnit: Double] {
        let phases = accumulator.phaseNames.indices.map {
            (accumulator.phaseNames[$0], scale * a.phases[$0].seconds.mean)
        }
        let mode = accumulator.scenario.catalogWrite(of: accumulator.scenario.variants[v])
        return CostSpread.minutesByUnit(phases, catalogWrite: mode, costs: costs)
    }

    func average(_ sum: Double, over count: Int) -> Double { count == 0 ? 0 : sum / Double(count) }
}
