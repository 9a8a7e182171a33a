import Foundation
import Model
import Scenario
import Testing

@testable import Analysis

/// The summary's per-invocation lists are capped; the estimate and the scan statistics still cover
/// every invocation.
@Suite struct ListedInvocationsTests {
    func invocation(rank: Int32) -> FinishedInvocation {
        FinishedInvocation(
            index: Int(rank), startRank: rank, total: Double(rank),
            outcome: InvocationOutcome(
                succeeded: true, discovery: DiscoveryCounters(), storage: StorageCounters(), heartbeats: 0,
                jobOverlap: false, stateWrites: 0, errorPaths: 0, wallNs: 1))
    }

    /// Arrivals in a shuffled order, many times the limit: the list is the first `limit` by start rank.
    @Test(arguments: [1, 7, 50]) func keepsTheFirstByStartRankWhateverTheArrivalOrder(limit: Int) {
        var rng = SeededRandom(seed: UInt64(limit))
        var ranks = Array(Int32(0)..<Int32(limit * 9 + 3))
        for i in ranks.indices.reversed() { ranks.swapAt(i, rng.nextInt(below: i + 1)) }
        var listed = ListedInvocations(limit: limit)
        var most = 0
        for rank in ranks {
            listed.add(invocation(rank: rank))
            most = max(most, listed.records.count)
        }
        listed.sort()
        #expect(listed.records.map(\.startRank) == Array(Int32(0)..<Int32(limit)))
        #expect(most < 2 * limit)
    }

    @Test func fewerThanTheLimitAreAllKept() {
        var listed = ListedInvocations(limit: 10)
        for rank: Int32 in [4, 2, 3] { listed.add(invocation(rank: rank)) }
        listed.sort()
        #expect(listed.records.map(\.startRank) == [2, 3, 4])
    }

    /// A run past the cap: lists hold the first 20,000 in start order, the moments every invocation,
    /// and the regression interval is the normal one over all of them.
    @Test func aRunPastTheCapListsTheFirstAndEstimatesFromAll() throws {
        let scenario = try ScenarioLoader.load(
            yaml: "name: cap\nvariants: [meltano-3.6.0, meltano-3.7.9]\ninvocations: 1\n", displayName: "cap")
        let limit = VariantSummary.listedInvocationLimit
        // About 70% of RandomRun's invocations finish and are seen starting: over 20,000 a variant.
        let count = 3 * limit + 4_000
        var generator = RandomRun(rng: SeededRandom(seed: 3))
        let (plan, events) = generator.run(count: count, workers: 3)
        let accumulator = RunAccumulator(scenario: scenario, plan: plan)
        for e in events { accumulator.fold(e) }
        let summary = streamingSummary(scenario, accumulator)
        // In start order once summarized.
        let everyTotal = accumulator.variants.map(\.totals)
        for (v, variant) in summary.variants.enumerated() {
            let moments = try #require(variant.simulatedSecondsMoments)
            #expect(moments.count == everyTotal[v].count)
            #expect(moments.count > limit)
            #expect(variant.simulatedSeconds.elementsEqual(everyTotal[v].prefix(limit)))
            #expect(variant.invocations.count == limit)
            #expect(!variant.listsEveryInvocation)
            #expect(abs(moments.mean - everyTotal[v].reduce(0, +) / Double(everyTotal[v].count)) < 1e-12)
            #expect(variant.scans.perInvocation.count == everyTotal[v].count)
        }
        let (base, other) = (summary.variants[0], summary.variants[1])
        let fromSummaries = DifferenceOfMeans.interval(other, base, scale: 1, seed: 1)
        let fromAll = DifferenceOfMeans.normal(Moments(everyTotal[1]), Moments(everyTotal[0]), scale: 1)
        #expect(abs(fromSummaries.low - fromAll.low) < 1e-9 && abs(fromSummaries.high - fromAll.high) < 1e-9)
    }
}
