import Foundation

extension Scenario {
    /// A fleet run (`fleet.runs_per_day` > 0): every run of the day is its own worker process.
    public var isFleet: Bool { self[\.fleet.runsPerDay] > 0 }

    /// The production day the fleet's arrivals are spread over, in seconds.
    public static let fleetDaySeconds = 86_400.0

    /// The keys a fleet run derives from `fleet.*`: one invocation per run of the day, one run per
    /// worker process, `fleet.slots` of them at once, and (for alike jobs) the day's runs as the
    /// production workload. Each derived value's origin names the fleet key it came from.
    static func fleetValues(
        _ values: [String: ScenarioValue], _ origins: [String: String], listsJobs: Bool
    ) -> ([String: ScenarioValue], [String: String]) {
        let k = ScenarioKeys.table
        let runs = k.fleet.runsPerDay.value(in: values)
        guard runs > 0 else { return (values, origins) }
        var values = values
        var origins = origins
        func derive(_ name: String, _ value: ScenarioValue, from key: String) {
            values[name] = value
            origins[name] = "from \(key)"
        }
        derive(k.invocations.name, .int(runs), from: k.fleet.runsPerDay.name)
        derive(k.workers.name, .int(k.fleet.slots.value(in: values)), from: k.fleet.slots.name)
        derive(k.invocationsPerProcess.name, .int(1), from: k.fleet.runsPerDay.name)
        if !listsJobs { derive(k.productionRuns.name, .int(runs), from: k.fleet.runsPerDay.name) }
        if k.productionPeriod.value(in: values).isEmpty {
            derive(k.productionPeriod.name, .string("1 day"), from: k.fleet.runsPerDay.name)
        }
        return (values, origins)
    }
}
