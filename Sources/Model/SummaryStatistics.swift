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

/// Count, mean and sample variance of a sample: what a comparison of two large samples needs.
public struct SecondsMoments: Codable, Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample variance (n − 1 in the denominator); 0 below two values.
    public var variance: Double

    public init(count: Int, mean: Double, variance: Double) {
        self.count = count
        self.mean = mean
        self.variance = variance
    }

    /// Two passes over `values` (the mean first, then the squared deviations from it).
    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let m = mean
        variance = values.count < 2 ? 0 : values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
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

/// Summary of a distribution of durations, in milliseconds.
public struct DistributionSummary: Codable, Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var median: Double
    /// Median absolute deviation from the median.
    public var mad: Double
    public var mean: Double
    public var stdDev: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    /// A fixed value taken as given (assumed phases): every statistic is that value.
    public static func constant(milliseconds v: Double) -> DistributionSummary {
        DistributionSummary(count: 0, min: v, median: v, mad: 0, mean: v, stdDev: 0, p90: v, p99: v, max: v)
    }

    public init(
        count: Int, min: Double, median: Double, mad: Double, mean: Double, stdDev: Double, p90: Double, p99: Double,
        max: Double
    ) {
        self.count = count
        self.min = min
        self.median = median
        self.mad = mad
        self.mean = mean
        self.stdDev = stdDev
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// The Mann–Whitney U test: are two samples from the same distribution? Non-parametric, so a
/// few slow outliers do not decide it.
public struct MannWhitneyResult: Codable, Sendable, Equatable {
    /// U of the first sample (count of pairs where it is larger, ties counting half).
    public var u: Double
    /// Standardized statistic, normal approximation with tie correction and continuity correction.
    public var z: Double
    /// Two-sided p-value from the normal approximation.
    public var pValue: Double
    /// Whether the difference is distinguishable from noise at the 5% level.
    public var significant: Bool

    public init(u: Double, z: Double, pValue: Double, significant: Bool) {
        self.u = u
        self.z = z
        self.pValue = pValue
        self.significant = significant
    }
}
