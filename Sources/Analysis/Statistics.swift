import Foundation
import Model

/// Percentile bootstrap of a difference of means, seeded and reproducible.
public enum Bootstrap {
    /// Interval for `scale × (mean(a) − mean(b))`, resampling each group independently.
    public static func differenceOfMeans(
        _ a: [Double], _ b: [Double], scale: Double, resamples: Int = 2000,
        level: Double = 0.95, seed: UInt64
    ) -> Interval {
        func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
        let estimate = scale * (mean(a) - mean(b))
        guard !a.isEmpty, !b.isEmpty else {
            return Interval(estimate: estimate, low: estimate, high: estimate, level: level)
        }
        var rng = SeededRandom(seed: seed)
        var diffs = [Double]()
        diffs.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var sa = 0.0
            var sb = 0.0
            for _ in 0..<a.count { sa += a[rng.nextInt(below: a.count)] }
            for _ in 0..<b.count { sb += b[rng.nextInt(below: b.count)] }
            diffs.append(scale * (sa / Double(a.count) - sb / Double(b.count)))
        }
        diffs.sort()
        let tail = (1 - level) / 2
        return Interval(
            estimate: estimate, low: SampleStatistics.percentile(diffs, tail),
            high: SampleStatistics.percentile(diffs, 1 - tail), level: level)
    }
}
