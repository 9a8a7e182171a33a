import Analysis
import Testing

@Suite struct PhaseDistributionTests {
    /// Merging per-worker histograms gives exactly the histogram of all values together.
    @Test func mergeEqualsTheHistogramOfTheUnion() {
        var rng: UInt64 = 0x1234_5678
        func next() -> Double {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(rng >> 40) * 37.5  // up to ~6e8 ns, spread over many buckets
        }
        let workers = (0..<4).map { _ in (0..<500).map { _ in next() } }
        var merged = PhaseDistribution()
        for values in workers {
            var d = PhaseDistribution()
            values.forEach { d.record(nanoseconds: $0) }
            merged.merge(d)
        }
        var union = PhaseDistribution()
        workers.joined().forEach { union.record(nanoseconds: $0) }
        #expect(merged.summary == union.summary)
        #expect(merged.count == 2000)
        for q in [1.0, 25, 50, 90, 99, 99.9] {
            #expect(merged.histogram.valueAtPercentile(q) == union.histogram.valueAtPercentile(q))
        }
    }

    @Test func summaryOfAKnownSampleWithinThreeSignificantDigits() {
        var d = PhaseDistribution()
        for ms in [1.0, 2, 3, 4, 100] { d.record(nanoseconds: ms * 1e6) }
        let s = d.summary
        #expect(s.count == 5)
        #expect(abs(s.median - 3) < 0.01)
        #expect(abs(s.mad - 1) < 0.01, "deviations 2,1,0,1,97 have median 1")
        #expect(abs(s.mean - 22) < 0.05)
        #expect(abs(s.max - 100) < 0.1)
    }
}
