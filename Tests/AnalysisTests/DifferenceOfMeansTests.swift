import Analysis
import Foundation
import Model
import Testing

@Suite struct DifferenceOfMeansTests {
    /// Skewed samples (like invocation seconds): a base plus an exponential tail.
    func sample(_ n: Int, base: Double, tail: Double, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in base - tail * log(1 - rng.nextDouble()) }
    }

    /// At the switch size the bootstrap and the normal approximation give the same interval
    /// within a few percent of its width.
    @Test func bothMethodsAgreeAtTheSwitchSize() {
        let n = DifferenceOfMeans.bootstrapLimit
        let a = sample(n, base: 2.0, tail: 0.4, seed: 1)
        let b = sample(n, base: 1.9, tail: 0.3, seed: 2)
        let bootstrap = Bootstrap.differenceOfMeans(a, b, scale: 10, seed: 3)
        let normal = DifferenceOfMeans.normal(Moments(a), Moments(b), scale: 10)
        let width = normal.high - normal.low
        #expect(abs(bootstrap.estimate - normal.estimate) < 1e-9)
        #expect(abs((bootstrap.high - bootstrap.low) / width - 1) < 0.05)
        #expect(abs(bootstrap.low - normal.low) < 0.05 * width)
        #expect(abs(bootstrap.high - normal.high) < 0.05 * width)
        // One past the limit, `interval` switches.
        let large = DifferenceOfMeans.interval(a + [2.0], b, scale: 10, seed: 3)
        #expect(large == DifferenceOfMeans.normal(Moments(a + [2.0]), Moments(b), scale: 10))
        #expect(DifferenceOfMeans.interval(a, b, scale: 10, seed: 3) == bootstrap)
    }

    @Test func momentsMatchTheBatchFormulas() {
        let x = sample(1000, base: 5, tail: 2, seed: 9)
        let m = Moments(x)
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1)
        #expect(m.mean == mean)
        #expect(abs(m.variance - variance) < 1e-12 * variance)
        #expect(Moments().variance == 0 && Moments([3]).variance == 0)
    }

    /// 10^6 per side: the normal interval and Mann–Whitney (O(n log n)) stay fast.
    @Test func largeSamplesStayFast() {
        let a = sample(1_000_000, base: 2.0, tail: 0.4, seed: 4)
        let b = sample(1_000_000, base: 2.0, tail: 0.4, seed: 5)
        let start = Date()
        let interval = DifferenceOfMeans.interval(a, b, scale: 1, seed: 1)
        let test = MannWhitney.test(a, b)
        #expect(interval.low < 0 && interval.high > 0)
        #expect(test?.significant == false)
        #expect(Date().timeIntervalSince(start) < 30)
    }
}
