import Foundation
import Model

/// The `fleet` summary of a fleet run: per variant, the production queue (a `FleetQueue` over the
/// day's arrivals in real day time, served by each run's simulated seconds), the replay's own
/// queueing as measured, CPU per run and per day, and the database's latencies against concurrency.
enum FleetAnalysis {
    static func summarize(_ scenario: Scenario, _ fleet: FleetAccumulator) -> FleetSummary {
        let slots = scenario[\.workers]
        let runsPerDay = scenario[\.fleet.runsPerDay]
        let day = Scenario.fleetDaySeconds
        let fractions = scenario[\.fleet.arrivals].dayFractions(runs: runsPerDay, seed: scenario.seed)
        var variants = scenario.variants.indices.map { v in
            variant(
                scenario.variants[v].name, fleet.runs(ofVariant: v), fractions: fractions, slots: slots,
                runsPerDay: runsPerDay, replayDay: scenario[\.fleet.daySeconds])
        }
        let base = variants.first { $0.name == scenario.baseline.name }?.cpuHoursPerDay
        for v in variants.indices where variants[v].name != scenario.baseline.name {
            if let hours = variants[v].cpuHoursPerDay, let base { variants[v].cpuHoursPerDayDelta = hours - base }
        }
        return FleetSummary(
            runsPerDay: runsPerDay, slots: slots, replayDaySeconds: scenario[\.fleet.daySeconds],
            arrivals: scenario[\.fleet.arrivals], productionDaySeconds: day, variants: variants)
    }

    static func variant(
        _ name: String, _ runs: [FleetAccumulator.Record], fractions: [Double], slots: Int, runsPerDay: Int,
        replayDay: Double
    ) -> FleetVariantSummary {
        let day = Scenario.fleetDaySeconds
        // Production: the day's arrivals of the runs that finished, each served by its simulated seconds.
        let production = FleetQueue.serve(
            arrivals: runs.map { fractions[$0.ordinal] * day }, services: runs.map(\.seconds), slots: slots)
        // The replay as it happened: arrival, start and finish on the monotonic clock.
        let timed = runs.filter { $0.arrivalNs != nil && $0.startNs != nil }
        // The replayed day's start: the first arrival less its planned offset into the day.
        let origin = timed.first.map { $0.arrivalNs! &- UInt64(fractions[$0.ordinal] * replayDay * 1e9) } ?? 0
        func seconds(_ ns: UInt64?) -> Double { Double(Int64(bitPattern: (ns ?? origin) &- origin)) / 1e9 }
        let replay = timed.map {
            FleetQueue.Run(arrival: seconds($0.arrivalNs), start: seconds($0.startNs), finish: seconds($0.finishNs))
        }
        let cpu = runs.compactMap(\.cpuNs)
        let cpuPerRun = cpu.isEmpty ? nil : Double(cpu.reduce(0, +)) / Double(cpu.count) / 1e9
        // Each run's CPU share of its sample, carried to its modelled seconds at production size.
        let atScale = runs.compactMap { r in
            r.cpuNs.flatMap { r.wallNs > 0 ? min(1, Double($0) / Double(r.wallNs)) * r.modelledSeconds : nil }
        }
        let cpuAtScale = atScale.isEmpty ? nil : atScale.reduce(0, +) / Double(atScale.count)
        return FleetVariantSummary(
            name: name, runs: runs.count, production: FleetQueue.stats(production, dayEnd: day),
            replay: FleetQueue.stats(replay, dayEnd: replayDay),
            replayWallSeconds: replay.map(\.finish).max() ?? 0, cpuSecondsPerRun: cpuPerRun,
            cpuSecondsPerRunAtScale: cpuAtScale, cpuHoursPerDay: cpuAtScale.map { $0 * Double(runsPerDay) / 3600 },
            cpuHoursPerDayDelta: nil,
            database: database(timed, replay: replay))
    }

    /// Latencies overall and by the runs active (in the replay) when each invocation started.
    static func database(_ runs: [FleetAccumulator.Record], replay: [FleetQueue.Run]) -> FleetDatabaseStats {
        var all = LatencyBuckets()
        var waits = 0
        var waitNs: UInt64 = 0
        var retries = 0
        var connectionErrors = 0
        var buckets: [Int: (invocations: Int, latency: LatencyBuckets, waits: Int)] = [:]
        let starts = replay.map(\.start).sorted()
        let finishes = replay.map(\.finish).sorted()
        for (record, run) in zip(runs, replay) {
            let s = record.storage
            if let latency = s.latency { all.add(latency) }
            waits += s.busyWaits
            waitNs += s.busyWaitNs
            retries += s.retries
            connectionErrors += s.connectionErrors ?? 0
            // Active at its start: started by then, not finished by then (itself included).
            let active = max(1, upperBound(starts, run.start) - upperBound(finishes, run.start))
            let high = FleetConcurrencyBucket.bounds(of: active).high
            var b = buckets[high] ?? (0, LatencyBuckets(), 0)
            b.invocations += 1
            if let latency = s.latency { b.latency.add(latency) }
            b.waits += s.busyWaits
            buckets[high] = b
        }
        return FleetDatabaseStats(
            statements: all.total, latency: LatencyPercentiles(all), lockWaits: waits,
            lockWaitSeconds: Double(waitNs) / 1e9, retries: retries, connectionErrors: connectionErrors,
            byConcurrency: buckets.keys.sorted().map { high in
                let b = buckets[high]!
                let bounds = FleetConcurrencyBucket.bounds(of: high)
                return FleetConcurrencyBucket(
                    low: bounds.low, high: bounds.high, invocations: b.invocations, statements: b.latency.total,
                    latency: LatencyPercentiles(b.latency), lockWaits: b.waits)
            })
    }

    /// How many of `sorted` are ≤ `value`.
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        var (low, high) = (0, sorted.count)
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
