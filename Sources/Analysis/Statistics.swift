import Environment
import Foundation

/// Order statistics of a sample, computed exactly from the values.
public struct SampleStatistics: Codable, Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var median: Double
    public var p90: Double
    public var mean: Double
    public var max: Double

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        median = Self.percentile(sorted, 0.5)
        p90 = Self.percentile(sorted, 0.9)
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// Linear interpolation between closest ranks (numpy's default), on sorted values.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

/// A point estimate with a two-sided interval.
public struct Interval: Codable, Sendable, Equatable {
    public var estimate: Double
    public var low: Double
    public var high: Double
    public var level: Double

    public init(estimate: Double, low: Double, high: Double, level: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
        self.level = level
    }
}

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
