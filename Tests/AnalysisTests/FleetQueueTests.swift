import Model
import Testing

@testable import Analysis

/// The k-slot FIFO queue on cases small enough to compute by hand.
struct FleetQueueTests {
    @Test func oneSlotServesRunsInTurn() {
        let runs = FleetQueue.serve(arrivals: [0, 1, 2], services: [2, 2, 2], slots: 1)
        #expect(runs.map(\.start) == [0, 2, 4])
        #expect(runs.map(\.finish) == [2, 4, 6])
        #expect(runs.map(\.wait) == [0, 1, 2])
        #expect(runs.map(\.arrivalToFinish) == [2, 3, 4])
    }

    @Test func kSlotsGiveEachRunTheSlotThatFreesFirst() {
        let runs = FleetQueue.serve(arrivals: [0, 0, 0, 0], services: [3, 1, 1, 1], slots: 2)
        #expect(runs.map(\.start) == [0, 0, 1, 2])
        #expect(runs.map(\.wait) == [0, 0, 1, 2])
        #expect(runs.map(\.finish) == [3, 1, 2, 3])
        let wide = FleetQueue.serve(arrivals: [0, 0, 0, 0], services: [3, 1, 1, 1], slots: 4)
        #expect(wide.allSatisfy { $0.wait == 0 }, "as many slots as runs: nobody waits")
    }

    @Test func aRunArrivingExactlyWhenASlotFreesDoesNotWait() {
        let runs = FleetQueue.serve(arrivals: [0, 5], services: [5, 1], slots: 1)
        #expect(runs[1].start == 5 && runs[1].wait == 0)
        #expect(FleetQueue.stats(runs, dayEnd: 100).runsWaited == 0)
    }

    @Test func theBacklogIsWhatIsQueuedOrRunningAtTheDayEnd() {
        let runs = FleetQueue.serve(arrivals: [0, 1, 2], services: [10, 10, 10], slots: 1)
        #expect(runs.map(\.finish) == [10, 20, 30])
        #expect(FleetQueue.backlog(runs, dayEnd: 15) == 2, "one running, one queued")
        #expect(FleetQueue.backlog(runs, dayEnd: 30) == 0, "a run finishing at the day end is done")
        let stats = FleetQueue.stats(runs, dayEnd: 15)
        #expect(stats.runsWaited == 2 && stats.backlog == 2)
        #expect(stats.waitMaxSeconds == 18 && stats.waitP50Seconds == 9)
        #expect(stats.meanServiceSeconds == 10)
    }

    @Test func concurrencyBucketsDouble() {
        let bounds = [1, 2, 3, 4, 5, 8, 9, 64, 65].map { FleetConcurrencyBucket.bounds(of: $0) }
        #expect(bounds.map(\.low) == [1, 2, 3, 3, 5, 5, 9, 33, 65])
        #expect(bounds.map(\.high) == [1, 2, 4, 4, 8, 8, 16, 64, 128])
    }

    @Test func latencyBucketsGivePercentilesWithinTheirWidth() {
        var buckets = LatencyBuckets()
        for micros in 1...100 { buckets.record(nanoseconds: UInt64(micros) * 1000) }
        #expect(buckets.total == 100)
        let p50 = buckets.quantileMilliseconds(0.5)!
        #expect(abs(p50 - 0.050) / 0.050 < 0.2, "\(p50)")
        let p99 = buckets.quantileMilliseconds(0.99)!
        #expect(abs(p99 - 0.099) / 0.099 < 0.2, "\(p99)")
        #expect(LatencyBuckets().quantileMilliseconds(0.5) == nil)
    }
}
