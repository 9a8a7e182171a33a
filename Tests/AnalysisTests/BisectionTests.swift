import Analysis
import Testing

@Suite struct BisectionTests {
    func line(_ slope: Double, _ intercept: Double, noise: Double = 0.5) -> (Double) -> Bisection.Step {
        { x in
            Bisection.Step(
                x: x, y: slope * x + intercept, low: slope * x + intercept - noise, high: slope * x + intercept + noise)
        }
    }

    @Test func findsTheCrossingOfAnIncreasingFunction() {
        let b = Bisection(lower: 0, upper: 1_000_000, integer: true, maxSteps: 30, tolerance: 1)
        let (outcome, steps) = b.solve(target: 12.6, evaluate: line(45e-6, 0))
        guard case .found(let x, let lo, let hi) = outcome else {
            Issue.record("not found: \(outcome)")
            return
        }
        #expect(abs(x - 280_000) < 2)
        #expect(lo < x && x < hi)
        #expect(abs((hi - lo) / 2 - 0.5 / 45e-6) < 50, "half-width = noise / slope")
        #expect(steps.count <= 32)
    }

    @Test func handlesADecreasingFunction() {
        let b = Bisection(lower: 0, upper: 1, integer: false, tolerance: 1e-4)
        let (outcome, _) = b.solve(target: 2, evaluate: line(-10, 7, noise: 0.1))
        guard case .found(let x, _, _) = outcome else {
            Issue.record("not found")
            return
        }
        #expect(abs(x - 0.5) < 1e-3)
    }

    @Test func saysWhenNoValueInRangeReachesTheTarget() {
        let b = Bisection(lower: 1, upper: 10_000, integer: true, tolerance: 10)
        let (outcome, steps) = b.solve(target: 12.6, evaluate: line(0.00004, 0.01))
        guard case .outOfRange(let best) = outcome else {
            Issue.record("found a value: \(outcome)")
            return
        }
        #expect(best.x == 10_000)
        #expect(steps.count == 2, "both ends, nothing more")
    }
}
