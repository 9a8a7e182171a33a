import Foundation
import Model

/// A sample's count, sum and spread, folded one value at a time (Welford's update for the spread,
/// which stays accurate where a sum of squares would cancel).
public struct Moments: Sendable, Equatable {
    public private(set) var count = 0
    /// The plain running sum, so that `mean` is the same `sum / count` a batch mean gives.
    public private(set) var sum = 0.0
    private var runningMean = 0.0
    private var m2 = 0.0

    public init() {}

    /// The moments of `values`.
    public init(_ values: [Double]) {
        for x in values { add(x) }
    }

    /// The moments a summary stored.
    public init(_ stored: SecondsMoments) {
        count = stored.count
        sum = stored.mean * Double(stored.count)
        runningMean = stored.mean
        m2 = stored.variance * Double(max(0, stored.count - 1))
    }

    public mutating func add(_ x: Double) {
        count += 1
        sum += x
        let delta = x - runningMean
        runningMean += delta / Double(count)
        m2 += delta * (x - runningMean)
    }

    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// Sample variance (n − 1 in the denominator); 0 below two values.
    public var variance: Double { count < 2 ? 0 : m2 / Double(count - 1) }
}

/// The interval of `scale × (mean(a) − mean(b))`: the percentile bootstrap while both samples are
/// small, the normal approximation (central limit theorem) once either is larger than
/// `bootstrapLimit`, where the bootstrap's 2000 resamples would cost minutes and the two agree.
public enum DifferenceOfMeans {
    /// Per side; above it the normal approximation is used (DifferenceOfMeansTests checks that the
    /// two agree at this size).
    /// Summaries list this many invocations at most, so a list that is whole is never past it.
    public static let bootstrapLimit = VariantSummary.listedInvocationLimit

    /// Whether samples of these sizes get the bootstrap.
    public static func usesBootstrap(_ a: Int, _ b: Int) -> Bool { max(a, b) <= bootstrapLimit }

    public static func interval(
        _ a: [Double], _ b: [Double], scale: Double, level: Double = 0.95, seed: UInt64
    ) -> Interval {
        guard usesBootstrap(a.count, b.count) else {
            return normal(Moments(a), Moments(b), scale: scale, level: level)
        }
        return Bootstrap.differenceOfMeans(a, b, scale: scale, level: level, seed: seed)
    }

    /// The interval of two variants' simulated seconds per invocation as their summaries hold them:
    /// over the lists while both are whole, from the stored moments once either list was capped.
    public static func interval(
        _ a: VariantSummary, _ b: VariantSummary, scale: Double, level: Double = 0.95, seed: UInt64
    ) -> Interval {
        guard a.listsEveryInvocation, b.listsEveryInvocation else {
            return normal(
                Moments(a.everyInvocationMoments), Moments(b.everyInvocationMoments), scale: scale, level: level)
        }
        return interval(a.simulatedSeconds, b.simulatedSeconds, scale: scale, level: level, seed: seed)
    }

    /// estimate ± z · scale · √(var_a/n_a + var_b/n_b).
    public static func normal(_ a: Moments, _ b: Moments, scale: Double, level: Double = 0.95) -> Interval {
        let estimate = scale * (a.mean - b.mean)
        guard a.count > 0, b.count > 0 else {
            return Interval(estimate: estimate, low: estimate, high: estimate, level: level)
        }
        let standardError = (a.variance / Double(a.count) + b.variance / Double(b.count)).squareRoot()
        let half = abs(scale) * normalQuantile(1 - (1 - level) / 2) * standardError
        return Interval(estimate: estimate, low: estimate - half, high: estimate + half, level: level)
    }

    /// The standard normal quantile, by bisection on erfc (exact to double precision, and rarely called).
    static func normalQuantile(_ p: Double) -> Double {
        var low = -40.0
        var high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}
