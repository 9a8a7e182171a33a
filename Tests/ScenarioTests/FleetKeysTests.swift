import Model
import Scenario
import Testing

/// `fleet.*`: a fleet run derives its invocations, workers and batches from its day.
@Suite struct FleetKeysTests {
    static let yaml = """
        name: fleet
        variants: [meltano-3.6.0, meltano-3.7.9]
        baseline: meltano-3.6.0
        invocations: 6
        workers: 2
        fleet:
          runs_per_day: 20
          slots: 4
          day_seconds: 2
          arrivals: poisson
        """

    @Test func aFleetRunIsOneInvocationPerRunOfTheDay() throws {
        let s = try ScenarioLoader.load(yaml: Self.yaml, displayName: "fleet.yaml")
        #expect(s.isFleet)
        #expect(s.invocations == 20 && s.workers == 4 && s.invocationsPerProcess == 1)
        #expect(s.productionRuns == 20 && s.productionPeriod == "1 day")
        #expect(s.origins["invocations"] == "from fleet.runs_per_day")
        #expect(s[\.fleet.arrivals] == .poisson)
        let arrivals = try #require(s.fleetReplayArrivals)
        #expect(arrivals.count == 20 && arrivals.allSatisfy { $0 >= 0 && $0 < 2 })
    }

    @Test func withoutRunsPerDayNothingChanges() throws {
        let s = try ScenarioLoader.load(
            yaml: Self.yaml.replacingOccurrences(of: "runs_per_day: 20", with: "runs_per_day: 0"),
            displayName: "fleet.yaml")
        #expect(!s.isFleet && s.fleetReplayArrivals == nil)
        #expect(s.invocations == 6 && s.workers == 2)
    }

    @Test func anUnknownArrivalShapeIsBadInput() {
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(
                yaml: Self.yaml.replacingOccurrences(of: "arrivals: poisson", with: "arrivals: bursty"),
                displayName: "fleet.yaml")
        }
    }
}
