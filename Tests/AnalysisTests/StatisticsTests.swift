import Analysis
import Foundation
import Model
import Testing

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator local to the tests, so the
/// coverage check does not depend on the package's own generator.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1), never 0.
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Normal by Box–Muller.
    mutating func normal(mean: Double, sd: Double) -> Double {
        let u1 = unit()
        let u2 = unit()
        return mean + sd * (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

@Suite struct SampleStatisticsTests {
    @Test func fourValues() {
        let s = SampleStatistics([4, 1, 3, 2])
        #expect(s.count == 4)
        #expect(s.min == 1)
        #expect(s.max == 4)
        #expect(close(s.median, 2.5))
        #expect(close(s.p90, 3.7))  // position 0.9 × 3 = 2.7: 3 + 0.7 × (4 − 3)
        #expect(close(s.mean, 2.5))
    }

    @Test func emptySampleIsAllZero() {
        let s = SampleStatistics([])
        #expect(s == SampleStatistics([]))
        #expect(s.count == 0)
        #expect(s.min == 0 && s.max == 0 && s.median == 0 && s.p90 == 0 && s.mean == 0)
        #expect(SampleStatistics.percentile([], 0.5) == 0)
    }

    @Test func singleValue() {
        let s = SampleStatistics([5])
        #expect(s.count == 1)
        #expect(s.min == 5 && s.max == 5 && s.median == 5 && s.p90 == 5 && s.mean == 5)
    }

    /// Values numpy gives: np.percentile(x, 50), np.percentile(x, 90), np.mean(x).
    @Test func matchesNumpyLinearPercentiles() {
        let s = SampleStatistics([3, 1, 4, 1, 5, 9, 2, 6])  // sorted: 1 1 2 3 4 5 6 9
        #expect(s.count == 8)
        #expect(close(s.median, 3.5))  // position 3.5
        #expect(close(s.p90, 6.9))  // position 6.3: 6 + 0.3 × 3
        #expect(close(s.mean, 3.875))
        let t = SampleStatistics([10, 20, 30, 40, 50])
        #expect(close(t.median, 30))
        #expect(close(t.p90, 46))  // position 3.6: 40 + 0.6 × 10
        #expect(close(t.mean, 30))
    }

    @Test func percentileEnds() {
        let sorted: [Double] = [2, 4, 8]
        #expect(SampleStatistics.percentile(sorted, 0) == 2)
        #expect(SampleStatistics.percentile(sorted, 1) == 8)
        #expect(close(SampleStatistics.percentile(sorted, 0.25), 3))
        #expect(close(SampleStatistics.percentile(sorted, 0.75), 6))
    }
}

@Suite struct BootstrapTests {
    static func samples(seed: UInt64, n: Int, mean: Double, sd: Double) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in rng.normal(mean: mean, sd: sd) }
    }

    @Test func sameSeedGivesTheSameInterval() {
        let a = Self.samples(seed: 1, n: 20, mean: 10, sd: 2)
        let b = Self.samples(seed: 2, n: 25, mean: 8, sd: 3)
        let first = Bootstrap.differenceOfMeans(a, b, scale: 1.5, resamples: 1000, seed: 42)
        let second = Bootstrap.differenceOfMeans(a, b, scale: 1.5, resamples: 1000, seed: 42)
        #expect(first == second)
        let other = Bootstrap.differenceOfMeans(a, b, scale: 1.5, resamples: 1000, seed: 43)
        #expect(other.estimate == first.estimate)
        #expect(other.low != first.low || other.high != first.high, "the seed is not used")
    }

    @Test func intervalContainsTheScaledEstimate() {
        let a = Self.samples(seed: 3, n: 30, mean: 5, sd: 1)
        let b = Self.samples(seed: 4, n: 30, mean: 4, sd: 1)
        let meanA = a.reduce(0, +) / Double(a.count)
        let meanB = b.reduce(0, +) / Double(b.count)
        let i = Bootstrap.differenceOfMeans(a, b, scale: 0.15, resamples: 2000, level: 0.95, seed: 9)
        #expect(close(i.estimate, 0.15 * (meanA - meanB), 1e-12))
        #expect(i.level == 0.95)
        #expect(i.low < i.estimate && i.estimate < i.high)
        #expect(i.low > 0, "a clear difference of 1 sd with n = 30 should exclude 0")
    }

    @Test func widerLevelGivesAWiderInterval() {
        let a = Self.samples(seed: 5, n: 15, mean: 1, sd: 1)
        let b = Self.samples(seed: 6, n: 15, mean: 0, sd: 1)
        let narrow = Bootstrap.differenceOfMeans(a, b, scale: 1, resamples: 800, level: 0.8, seed: 11)
        let wide = Bootstrap.differenceOfMeans(a, b, scale: 1, resamples: 800, level: 0.99, seed: 11)
        #expect(wide.low < narrow.low)
        #expect(wide.high > narrow.high)
    }

    @Test func constantSamplesGiveADegenerateInterval() {
        let i = Bootstrap.differenceOfMeans([2, 2, 2], [1, 1, 1, 1], scale: 3, resamples: 200, seed: 1)
        #expect(i.estimate == 3)
        #expect(i.low == 3 && i.high == 3)
    }

    /// Coverage on a known difference: the 95% interval should cover the true difference in
    /// roughly 95% of trials (percentile bootstrap undercovers a little at small n).
    @Test func coverageOfTheTrueDifference() {
        let trials = 200
        let n = 30
        let trueDifference = 3.0
        var covered = 0
        var rng = SplitMix64(seed: 2024)
        for trial in 0..<trials {
            let a = (0..<n).map { _ in rng.normal(mean: 10, sd: 2) }
            let b = (0..<n).map { _ in rng.normal(mean: 7, sd: 3) }
            let i = Bootstrap.differenceOfMeans(a, b, scale: 1, resamples: 500, level: 0.95, seed: UInt64(trial) &+ 1)
            if i.low <= trueDifference && trueDifference <= i.high { covered += 1 }
        }
        let rate = Double(covered) / Double(trials)
        #expect(rate >= 0.88 && rate <= 0.99, "coverage \(rate)")
    }
}
