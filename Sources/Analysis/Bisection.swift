import Foundation

/// Finds the knob value at which a monotone (noisy) function reaches a target: bracketing, then
/// bisection. Each evaluation may be a whole simulator run, so the number of steps is bounded.
public struct Bisection {
    public struct Step: Codable, Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var low: Double
        public var high: Double

        public init(x: Double, y: Double, low: Double, high: Double) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// The target lies between these two evaluated points.
        case found(x: Double, xLow: Double, xHigh: Double)
        /// Even the end of the range does not reach the target.
        case outOfRange(best: Step)
    }

    public let lower: Double
    public let upper: Double
    /// Integer knobs bisect on integers.
    public let integer: Bool
    public let maxSteps: Int
    /// Stop when the bracket is narrower than this.
    public let tolerance: Double

    public init(lower: Double, upper: Double, integer: Bool, maxSteps: Int = 12, tolerance: Double) {
        self.lower = lower
        self.upper = upper
        self.integer = integer
        self.maxSteps = maxSteps
        self.tolerance = tolerance
    }

    /// `evaluate(x)` returns the estimate and its interval at `x`. The function is taken as
    /// increasing in x; a decreasing one is handled by the sign of the ends.
    public func solve(target: Double, evaluate: (Double) throws -> Step) rethrows -> (Outcome, [Step]) {
        var steps: [Step] = []
        var lo = try evaluate(lower)
        var hi = try evaluate(upper)
        steps += [lo, hi]
        let increasing = hi.y >= lo.y
        func below(_ s: Step) -> Bool { increasing ? s.y < target : s.y > target }
        guard below(lo) != below(hi) else {
            let best = abs(lo.y - target) < abs(hi.y - target) ? lo : hi
            return (.outOfRange(best: best), steps)
        }
        while steps.count < maxSteps + 2, hi.x - lo.x > tolerance {
            var mid = (lo.x + hi.x) / 2
            if integer {
                mid = mid.rounded(.down)
                if mid <= lo.x || mid >= hi.x { break }
            }
            let s = try evaluate(mid)
            steps.append(s)
            if below(s) { lo = s } else { hi = s }
        }
        // The answer interpolates inside the final bracket. Its interval: the half-width of the
        // closest steps' intervals, turned into x through the slope fitted over every step (one
        // noisy bracket would give a falsely narrow interval).
        let x = lo.y == hi.y ? (lo.x + hi.x) / 2 : lo.x + ((target - lo.y) / (hi.y - lo.y)).clampedUnit * (hi.x - lo.x)
        let slope = Self.leastSquaresSlope(steps) ?? (hi.y - lo.y) / max(hi.x - lo.x, .leastNonzeroMagnitude)
        let halfWidth = [lo, hi].map { ($0.high - $0.low) / 2 }.reduce(0, +) / 2
        let spread = slope != 0 ? abs(halfWidth / slope) : 0
        let a = max(lower, x - spread)
        let b = min(upper, x + spread)
        return (.found(x: x, xLow: a, xHigh: b), steps)
    }

    /// Slope of y on x by least squares, or nil with fewer than two distinct x.
    static func leastSquaresSlope(_ steps: [Step]) -> Double? {
        let n = Double(steps.count)
        guard n >= 2 else { return nil }
        let mx = steps.map(\.x).reduce(0, +) / n
        let my = steps.map(\.y).reduce(0, +) / n
        let sxx = steps.map { ($0.x - mx) * ($0.x - mx) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return steps.map { ($0.x - mx) * ($0.y - my) }.reduce(0, +) / sxx
    }
}

extension Double {
    var clampedUnit: Double { Swift.min(1, Swift.max(0, self)) }
}
