import Foundation
import Histogram
import Model

/// Durations of one phase kept in an HDR histogram (3 significant digits), so that histograms
/// built per worker merge into one per variant without losing precision.
public struct PhaseDistribution: Sendable {
    public private(set) var histogram: Histogram<UInt64>

    /// Values are nanoseconds, resolved to 1 µs at the bottom and 3 significant digits above.
    static let lowest: UInt64 = 1_000

    /// A histogram that grows as values arrive (growing is slow: prefer `init(maximum:)`).
    public init() {
        histogram = Histogram<UInt64>(
            lowestDiscernibleValue: Self.lowest, highestTrackableValue: Self.lowest * 2,
            numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// A histogram sized up front for values up to `maximum` nanoseconds, so recording never resizes.
    public init(maximum: UInt64) {
        histogram = Histogram<UInt64>(
            lowestDiscernibleValue: Self.lowest, highestTrackableValue: max(Self.lowest * 2, maximum),
            numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// Records one duration in nanoseconds (rounded; negative values are impossible here).
    public mutating func record(nanoseconds: Double) {
        _ = histogram.record(UInt64(max(0, nanoseconds.rounded())))
    }

    /// Adds every value of `other` (HDR histograms merge exactly, bucket by bucket).
    public mutating func merge(_ other: PhaseDistribution) {
        histogram.add(other.histogram)
    }

    public var count: Int { Int(histogram.totalCount) }

    /// Milliseconds summary; MAD is computed over the histogram's buckets.
    public var summary: DistributionSummary {
        guard histogram.totalCount > 0 else {
            return DistributionSummary(count: 0, min: 0, median: 0, mad: 0, mean: 0, stdDev: 0, p90: 0, p99: 0, max: 0)
        }
        let ms = { (ns: UInt64) in Double(ns) / 1e6 }
        let median = histogram.valueAtPercentile(50)
        var deviations: [(deviation: UInt64, count: UInt64)] = []
        for bucket in histogram.recordedValues() {
            let value = histogram.medianEquivalentForValue(bucket.value)
            deviations.append((value > median ? value - median : median - value, UInt64(bucket.count)))
        }
        deviations.sort { $0.deviation < $1.deviation }
        let half = (histogram.totalCount + 1) / 2
        var seen: UInt64 = 0
        var mad: UInt64 = 0
        for d in deviations {
            seen += d.count
            if seen >= half {
                mad = d.deviation
                break
            }
        }
        return DistributionSummary(
            count: count, min: ms(histogram.min), median: ms(median), mad: ms(mad),
            mean: histogram.mean / 1e6, stdDev: histogram.stdDeviation / 1e6,
            p90: ms(histogram.valueAtPercentile(90)), p99: ms(histogram.valueAtPercentile(99)),
            max: ms(histogram.max))
    }
}
