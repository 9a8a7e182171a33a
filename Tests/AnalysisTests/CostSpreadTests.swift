import Analysis
import Model
import Testing

/// The cost profile's spread widens a regression's interval by what the regression rests on.
@Suite struct CostSpreadTests {
    static let costs = CostProfile(
        name: "t", description: "", file: nil,
        units: [
            CostUnit.catalogLineThreadHop.rawValue: .init(value: 100, source: "", spread: 0.1),
            CostUnit.catalogLineSync.rawValue: .init(value: 5, source: "", spread: 0.2),
            CostUnit.sqliteStatement.rawValue: .init(value: 10, source: ""),
        ])

    @Test func aUnitPaidAlikeByBothSidesCancels() {
        let same = CostSpread.minutesByUnit([(.catalogWrite, 3.0)], catalogWrite: .sync, costs: Self.costs)
        #expect(CostSpread.halfWidth(variant: same, baseline: same, costs: Self.costs) == 0)
    }

    @Test func theRegressionsUnitsAddInQuadrature() {
        let hop = CostSpread.minutesByUnit(
            [(.catalogWrite, 9.0), (.bookkeeping, 1.0), (.pages, 50)], catalogWrite: .threadHop, costs: Self.costs)
        let sync = CostSpread.minutesByUnit(
            [(.catalogWrite, 1.0), (.bookkeeping, 1.0), (.pages, 40)], catalogWrite: .sync, costs: Self.costs)
        #expect(hop == [.catalogLineThreadHop: 9.0, .sqliteStatement: 1.0])
        let half = CostSpread.halfWidth(variant: hop, baseline: sync, costs: Self.costs)
        // 9 min at ±10% and 1 min at ±20%, independent; the statement unit (no spread) and the
        // measured extraction add nothing.
        #expect(abs(half - (0.9 * 0.9 + 0.2 * 0.2).squareRoot()) < 1e-12)
    }

    @Test func theCatalogWritesMinutesSplitBetweenItsPerLineUnits() {
        var units = Self.costs.units
        units[CostUnit.catalogLineThreadHopWait.rawValue] = .init(value: 25, source: "", spread: 0.4)
        let costs = CostProfile(name: "t", description: "", file: nil, units: units)
        let hop = CostSpread.minutesByUnit([(.catalogWrite, 10.0)], catalogWrite: .threadHop, costs: costs)
        // 100 µs of CPU and 25 µs of waiting per line: 8 and 2 of the 10 minutes.
        #expect(hop == [.catalogLineThreadHop: 8.0, .catalogLineThreadHopWait: 2.0])
        let half = CostSpread.halfWidth(variant: hop, baseline: [:], costs: costs)
        #expect(abs(half - (0.8 * 0.8 + 0.8 * 0.8).squareRoot()) < 1e-12)
        #expect(costs.catalogLineMicroseconds(.threadHop) == 125)
        #expect(costs.catalogLineMicroseconds(.sync) == 5)
    }

    @Test func wideningAddsInQuadratureOnEachSide() {
        let widened = CostSpread.widen(Interval(estimate: 10, low: 9, high: 12, level: 0.95), by: 2)
        #expect(widened.estimate == 10)
        #expect(abs(widened.low - (10 - 5.0.squareRoot())) < 1e-12)
        #expect(abs(widened.high - (10 - 0 + 8.0.squareRoot())) < 1e-12)
        #expect(CostSpread.widen(Interval(estimate: 1, low: 0, high: 2, level: 0.95), by: 0).low == 0)
    }
}
