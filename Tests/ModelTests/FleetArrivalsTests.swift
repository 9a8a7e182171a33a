import Model
import Testing

/// A fleet's arrivals: within the day, in order, and the same for the same seed.
struct FleetArrivalsTests {
    @Test func uniformArrivalsAreEvenlySpread() {
        #expect(FleetArrivals.uniform.dayFractions(runs: 4, seed: 1) == [0.125, 0.375, 0.625, 0.875])
        #expect(FleetArrivals.uniform.dayFractions(runs: 0, seed: 1).isEmpty)
    }

    @Test func poissonArrivalsAreSeededOrderedAndWithinTheDay() {
        let a = FleetArrivals.poisson.dayFractions(runs: 1000, seed: 7)
        #expect(a == FleetArrivals.poisson.dayFractions(runs: 1000, seed: 7), "reproducible")
        #expect(a != FleetArrivals.poisson.dayFractions(runs: 1000, seed: 8), "another seed, another day")
        #expect(a.count == 1000)
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(a == a.sorted())
        // A thousand uniform instants: about half in each half of the day.
        let morning = a.filter { $0 < 0.5 }.count
        #expect(morning > 400 && morning < 600, "\(morning)")
    }
}
