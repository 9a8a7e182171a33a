import Foundation

/// A fleet run's section of `summary.json` (`fleet`): the day replayed with real concurrency, its
/// queueing at production scale, CPU and database contention, per variant. Absent when the run
/// is not a fleet (docs/fleet.md).
public struct FleetSummary: Codable, Sendable, Equatable {
    public var runsPerDay: Int
    public var slots: Int
    /// Wall seconds the replay compressed each variant's day into.
    public var replayDaySeconds: Double
    public var arrivals: FleetArrivals
    /// The production day the queue is computed over (86,400 s).
    public var productionDaySeconds: Double
    public var variants: [FleetVariantSummary]

    public init(
        runsPerDay: Int, slots: Int, replayDaySeconds: Double, arrivals: FleetArrivals, productionDaySeconds: Double,
        variants: [FleetVariantSummary]
    ) {
        self.runsPerDay = runsPerDay
        self.slots = slots
        self.replayDaySeconds = replayDaySeconds
        self.arrivals = arrivals
        self.productionDaySeconds = productionDaySeconds
        self.variants = variants
    }
}

/// One variant's day.
public struct FleetVariantSummary: Codable, Sendable, Equatable {
    public var name: String
    /// Runs of the day that finished (their numbers are below); the rest were lost.
    public var runs: Int
    /// The production answer: a k-slot FIFO queue over the day's arrivals in real day time, each
    /// run's service time its simulated seconds (assumed phases included) as the replay measured them.
    public var production: FleetQueueStats
    /// The replay's own queueing as measured (compressed time: wall seconds of the replay).
    public var replay: FleetQueueStats
    /// Wall seconds from the variant's first arrival to its last finish in the replay.
    public var replayWallSeconds: Double
    /// Mean CPU seconds per run (`getrusage`, the worker process over its invocation); nil when no
    /// event carried it.
    public var cpuSecondsPerRun: Double?
    /// CPU of the modelled work at production size, per run: each run's CPU share over its sample
    /// (CPU seconds / wall seconds of its invocation) times its modelled seconds at production
    /// size (its phases as extrapolated, without the assumed ones), averaged over runs. The padding
    /// that stands for CPython's work spins on the CPU, so a release that adds modelled seconds of
    /// a thread hop adds CPU in proportion; the assumed phases (the plugins' own processes) are not
    /// in it. Nil when no event carried CPU.
    public var cpuSecondsPerRunAtScale: Double?
    /// `cpuSecondsPerRunAtScale` × runs per day / 3600.
    public var cpuHoursPerDay: Double?
    /// `cpuHoursPerDay` minus the baseline's; nil for the baseline.
    public var cpuHoursPerDayDelta: Double?
    public var database: FleetDatabaseStats

    public init(
        name: String, runs: Int, production: FleetQueueStats, replay: FleetQueueStats, replayWallSeconds: Double,
        cpuSecondsPerRun: Double?, cpuSecondsPerRunAtScale: Double? = nil, cpuHoursPerDay: Double?,
        cpuHoursPerDayDelta: Double?, database: FleetDatabaseStats
    ) {
        self.name = name
        self.runs = runs
        self.production = production
        self.replay = replay
        self.replayWallSeconds = replayWallSeconds
        self.cpuSecondsPerRun = cpuSecondsPerRun
        self.cpuSecondsPerRunAtScale = cpuSecondsPerRunAtScale
        self.cpuHoursPerDay = cpuHoursPerDay
        self.cpuHoursPerDayDelta = cpuHoursPerDayDelta
        self.database = database
    }
}

/// Queueing of one day, in seconds: each run's wait for a slot, and its time from its scheduled
/// start (its arrival) to its finish.
public struct FleetQueueStats: Codable, Sendable, Equatable {
    public var waitP50Seconds: Double
    public var waitP95Seconds: Double
    public var waitMaxSeconds: Double
    public var arrivalToFinishP50Seconds: Double
    public var arrivalToFinishP95Seconds: Double
    /// Runs that waited at all.
    public var runsWaited: Int
    /// Runs still queued or running when the day ended.
    public var backlog: Int
    /// Mean service time (seconds a run holds its slot).
    public var meanServiceSeconds: Double

    public init(
        waitP50Seconds: Double, waitP95Seconds: Double, waitMaxSeconds: Double, arrivalToFinishP50Seconds: Double,
        arrivalToFinishP95Seconds: Double, runsWaited: Int, backlog: Int, meanServiceSeconds: Double
    ) {
        self.waitP50Seconds = waitP50Seconds
        self.waitP95Seconds = waitP95Seconds
        self.waitMaxSeconds = waitMaxSeconds
        self.arrivalToFinishP50Seconds = arrivalToFinishP50Seconds
        self.arrivalToFinishP95Seconds = arrivalToFinishP95Seconds
        self.runsWaited = runsWaited
        self.backlog = backlog
        self.meanServiceSeconds = meanServiceSeconds
    }
}

/// The system database as the day's runs met it: every statement on its own or whole transaction
/// an invocation made on its connection, timed from its first attempt to its end.
public struct FleetDatabaseStats: Codable, Sendable, Equatable {
    public var statements: Int
    public var latency: LatencyPercentiles?
    /// Waits for a lock another connection held (SQLite's busy handler, PostgreSQL's lock waits).
    public var lockWaits: Int
    public var lockWaitSeconds: Double
    /// Whole statements or transactions run again: PostgreSQL's serialization failures and
    /// deadlocks, SQLite's busy retries.
    public var retries: Int
    public var connectionErrors: Int
    /// The same latencies by how many of the variant's runs were active when each invocation started.
    public var byConcurrency: [FleetConcurrencyBucket]

    public init(
        statements: Int, latency: LatencyPercentiles?, lockWaits: Int, lockWaitSeconds: Double, retries: Int,
        connectionErrors: Int, byConcurrency: [FleetConcurrencyBucket]
    ) {
        self.statements = statements
        self.latency = latency
        self.lockWaits = lockWaits
        self.lockWaitSeconds = lockWaitSeconds
        self.retries = retries
        self.connectionErrors = connectionErrors
        self.byConcurrency = byConcurrency
    }
}

/// Statement latency percentiles, milliseconds (within 9%: `LatencyBuckets`).
public struct LatencyPercentiles: Codable, Sendable, Equatable {
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double

    public init?(_ buckets: LatencyBuckets) {
        guard let p50 = buckets.quantileMilliseconds(0.50), let p95 = buckets.quantileMilliseconds(0.95),
            let p99 = buckets.quantileMilliseconds(0.99)
        else { return nil }
        p50Ms = p50
        p95Ms = p95
        p99Ms = p99
    }
}

/// Invocations that started with between `low` and `high` runs active (themselves included).
public struct FleetConcurrencyBucket: Codable, Sendable, Equatable {
    public var low: Int
    public var high: Int
    public var invocations: Int
    public var statements: Int
    public var latency: LatencyPercentiles?
    public var lockWaits: Int

    public init(low: Int, high: Int, invocations: Int, statements: Int, latency: LatencyPercentiles?, lockWaits: Int) {
        self.low = low
        self.high = high
        self.invocations = invocations
        self.statements = statements
        self.latency = latency
        self.lockWaits = lockWaits
    }

    /// "1", "3-4", "33-64".
    public var label: String { low == high ? "\(low)" : "\(low)-\(high)" }

    /// The bucket bounds: 1, 2, 3-4, 5-8, ... doubling.
    public static func bounds(of active: Int) -> (low: Int, high: Int) {
        guard active > 2 else { return (max(1, active), max(1, active)) }
        var high = 2
        while high < active { high *= 2 }
        return (high / 2 + 1, high)
    }
}

/// What `simulate sweep` tabulates per cell and variant of a fleet run.
public struct FleetCellNumbers: Codable, Sendable, Equatable {
    public var statementP95Ms: Double?
    public var lockWaits: Int
    public var retries: Int
    /// The production queue's p95 wait for a slot.
    public var waitP95Seconds: Double
    public var replayWallSeconds: Double

    public init(_ v: FleetVariantSummary) {
        statementP95Ms = v.database.latency?.p95Ms
        lockWaits = v.database.lockWaits
        retries = v.database.retries
        waitP95Seconds = v.production.waitP95Seconds
        replayWallSeconds = v.replayWallSeconds
    }
}
