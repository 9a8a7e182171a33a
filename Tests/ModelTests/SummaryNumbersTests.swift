import Testing

@testable import Model

/// The one check of a summary's numbers, on the values it is made of: counts are never negative,
/// spreads never negative, real numbers finite, and the field is named as `summary.json` spells it.
@Suite struct SummaryNumbersTests {
    func problem(_ value: Any) -> SummaryNumberError? {
        do {
            try SummaryNumberWalk.check(value, at: "x")
            return nil
        } catch {
            return error
        }
    }

    @Test func aNegativeCountIsNamedByItsField() {
        let counts = InvocationCounts(
            index: 0, ordinal: 1, succeeded: true, scans: 3, lookups: -2, backendsCalls: 0, addonObjects: 0,
            groupsTouched: 0, errorPaths: 0, persistentHits: 0)
        #expect(problem([counts, counts])?.field == "x[0].lookups")
        #expect(problem(["ok": 1, "bad": -1])?.field == "x[bad]")
        let absent: SecondsMoments? = SecondsMoments(count: -1, mean: 1, variance: 0)
        #expect(problem(absent as Any)?.field == "x.count")
    }

    @Test func aNegativeSpreadIsRefusedAndANegativeMeanIsNot() {
        #expect(problem(SecondsMoments(count: 5, mean: -1, variance: 0.5)) == nil)
        #expect(problem(SecondsMoments(count: 5, mean: 1, variance: -0.5))?.field == "x.variance")
        let spread = DistributionSummary(
            count: 2, min: 1, median: 1, mad: 0, mean: 1, stdDev: -1, p90: 1, p99: 1, max: 1)
        #expect(problem(spread)?.field == "x.std_dev")
    }

    @Test func aNumberThatIsNotFiniteIsRefusedWhereverItIs() {
        #expect(problem([1.0, .nan])?.field == "x[1]")
        #expect(problem(Interval(estimate: .infinity, low: 0, high: 1, level: 0.95))?.field == "x.estimate")
        #expect(problem(Interval(estimate: -3, low: -4, high: -2, level: 0.95)) == nil)
    }

    @Test func theInvocationsCountsListEveryIntegerFieldOfAnInvocation() {
        let counts = InvocationCounts(
            index: 0, ordinal: 1, succeeded: true, scans: 3, lookups: 2, backendsCalls: 0, addonObjects: 0,
            groupsTouched: 0, errorPaths: 0, persistentHits: 0)
        let integers = Mirror(reflecting: counts).children.filter { $0.value is Int }.compactMap(\.label)
        #expect(InvocationCounts.countFields.map(\.name) == integers)
    }

    @Test func fieldsAreSpelledAsTheSummarySpellsThem() {
        #expect(SummaryNumberWalk.jsonName("simulatedSecondsMoments") == "simulated_seconds_moments")
        #expect(SummaryNumberWalk.jsonName("planned") == "planned")
    }
}
