import Foundation
import Model
import Testing

@testable import Report

/// The Fleet section: absent without a fleet; a queue where nobody waited is one line; concurrency
/// levels that repeat the level above are counted, not listed.
struct FleetSectionTests {
    static func queue(waited: Int, waitP95: Double = 0, backlog: Int = 0) -> FleetQueueStats {
        FleetQueueStats(
            waitP50Seconds: 0, waitP95Seconds: waitP95, waitMaxSeconds: waitP95, arrivalToFinishP50Seconds: 30,
            arrivalToFinishP95Seconds: 30 + waitP95, runsWaited: waited, backlog: backlog, meanServiceSeconds: 30)
    }

    static func latency(_ ms: Double) -> LatencyPercentiles? {
        var buckets = LatencyBuckets()
        buckets.record(nanoseconds: UInt64(ms * 1e6))
        return LatencyPercentiles(buckets)
    }

    static func bucket(_ active: Int, _ ms: Double) -> FleetConcurrencyBucket {
        let b = FleetConcurrencyBucket.bounds(of: active)
        return FleetConcurrencyBucket(
            low: b.low, high: b.high, invocations: 5, statements: 50, latency: latency(ms), lockWaits: 0)
    }

    static func variant(_ name: String, production: FleetQueueStats, cpu: Double, levels: [FleetConcurrencyBucket])
        -> FleetVariantSummary
    {
        FleetVariantSummary(
            name: name, runs: 20, production: production, replay: queue(waited: 0), replayWallSeconds: 2.5,
            cpuSecondsPerRun: cpu, cpuSecondsPerRunAtScale: cpu * 100, cpuHoursPerDay: cpu * 100 * 20 / 3600,
            cpuHoursPerDayDelta: nil,
            database: FleetDatabaseStats(
                statements: 200, latency: latency(1), lockWaits: 3, lockWaitSeconds: 0.01, retries: 0,
                connectionErrors: 0, byConcurrency: levels))
    }

    static func summary(production: FleetQueueStats, levels: [FleetConcurrencyBucket]) throws -> RunSummary {
        var s = try SyntheticRuns.scansExplain()
        var regressed = variant("meltano-3.7.9", production: production, cpu: 0.2, levels: levels)
        regressed.cpuHoursPerDayDelta = 0.1 * 100 * 20 / 3600
        s.fleet = FleetSummary(
            runsPerDay: 20, slots: 4, replayDaySeconds: 2, arrivals: .uniform, productionDaySeconds: 86_400,
            variants: [variant(s.baseline, production: production, cpu: 0.1, levels: levels), regressed])
        return s
    }

    @Test func aRunThatIsNoFleetHasNoFleetSection() throws {
        let s = try SyntheticRuns.scansExplain()
        #expect(FleetSection.render(s).isEmpty)
        #expect(!MarkdownReport.render(s).contains("## Fleet"))
    }

    @Test func aQueueWhereNobodyWaitedIsOneLine() throws {
        let s = try Self.summary(production: Self.queue(waited: 0), levels: [Self.bucket(1, 1), Self.bucket(2, 4)])
        let section = FleetSection.render(s)
        #expect(section.contains("## Fleet"))
        #expect(section.contains("No run waits for a slot"), "\(section)")
        #expect(!section.contains("| runs waited |"), "no production table: \(section)")
        #expect(MarkdownReport.render(s).contains("## Fleet"))
    }

    @Test func aQueueWhereRunsWaitedIsATable() throws {
        let s = try Self.summary(
            production: Self.queue(waited: 7, waitP95: 12, backlog: 1), levels: [Self.bucket(1, 1), Self.bucket(2, 4)])
        let section = FleetSection.render(s)
        #expect(!section.contains("No run waits for a slot"), "\(section)")
        #expect(section.contains("| meltano-3.7.9 | 20 | 30.0 | 7 | 0.0 | 12.0 | 12.0 |"), "\(section)")
        #expect(section.contains("| meltano-3.7.9 | 0.2000 | 20.00 | 0.11 | +0.06 |"), "\(section)")
    }

    @Test func concurrencyLevelsThatRepeatTheLevelAboveFoldIntoOneLine() throws {
        let levels = [Self.bucket(1, 1), Self.bucket(2, 1), Self.bucket(4, 1), Self.bucket(8, 6)]
        let section = FleetSection.render(try Self.summary(production: Self.queue(waited: 0), levels: levels))
        #expect(section.contains("\n| 1 |"), "\(section)")
        #expect(!section.contains("\n| 2 |") && !section.contains("\n| 3–4 |"), "\(section)")
        #expect(section.contains("\n| 5–8 |"), "\(section)")
        #expect(section.contains("2 more levels had the same percentiles as the level above"), "\(section)")
    }
}
