import Foundation

/// The machine-readable result of a run: `summary.json`. Fields are documented in the README;
/// `schemaVersion` changes whenever a field changes meaning or disappears.
public struct RunSummary: Codable, Sendable {
    public static let currentSchemaVersion = 4
    /// Versions `compare` reads: 1 differs from 2 only in listing every invocation (and having no
    /// `simulated_seconds_moments`), which `VariantSummary.everyInvocationMoments` covers; 2 differs
    /// from 3 only in writing each knob's value as text, which `ScenarioInfo.Knob` types by its key;
    /// 3 differs from 4 in the phases' names (`catalog-write` became `pre-plugin/catalog-write`,
    /// read by `Phase.legacy`), the assumed `target-tail` split in two, and per-job `jobs`.
    public static let readableSchemaVersions = 1...currentSchemaVersion

    public var schemaVersion = RunSummary.currentSchemaVersion
    public var tool: String
    public var scenario: ScenarioInfo
    public var command: String
    public var startedAt: String
    public var wallSeconds: Double
    /// False when the run is incomplete (`outcome` says why): an invocation was lost or failed by an
    /// infrastructure fault, a worker died, the integrity check failed or locks were left.
    public var complete: Bool
    /// Complete or incomplete, with the reasons and counts; absent in older summaries.
    public var outcome: RunOutcome? = nil
    public var environment: EnvironmentInfo
    public var machine: MachineInfo
    public var costProfile: CostProfileInfo
    /// `--cache cold` only: how the page cache was dropped, whether it took effect, and warm vs cold.
    public var pageCache: PageCacheInfo?
    public var workerProcesses: Int
    /// `zygote` (forked from one pre-started process) or `exec`; absent in older summaries.
    public var workerSpawn: WorkerSpawnMode?
    public var baseline: String
    public var variants: [VariantSummary]
    public var integrity: IntegrityInfo?
    /// The loopback HTTP server, when the run had one (extraction pages, http state backend).
    public var httpServer: HTTPServerSummary?
    public var failures: FailureCounts
    public var headline: String
    /// The simulation against production's own logs, phase by phase, when the scenario names them.
    public var observed: ObservedComparison? = nil
    /// A fleet run's day: queueing, CPU and database contention per variant; absent otherwise.
    public var fleet: FleetSummary? = nil
    public var notes: [String]
    /// Reasons not to trust the numbers too far (spread, sample size, machine load).
    public var warnings: [String]

    public init(
        tool: String, scenario: ScenarioInfo, command: String, startedAt: String, wallSeconds: Double, complete: Bool,
        environment: EnvironmentInfo, machine: MachineInfo, costProfile: CostProfileInfo,
        pageCache: PageCacheInfo? = nil, workerProcesses: Int, workerSpawn: WorkerSpawnMode? = nil, baseline: String,
        variants: [VariantSummary], integrity: IntegrityInfo? = nil, httpServer: HTTPServerSummary? = nil,
        failures: FailureCounts, headline: String, notes: [String], warnings: [String]
    ) {
        self.tool = tool
        self.scenario = scenario
        self.command = command
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.complete = complete
        self.environment = environment
        self.machine = machine
        self.costProfile = costProfile
        self.pageCache = pageCache
        self.workerProcesses = workerProcesses
        self.workerSpawn = workerSpawn
        self.baseline = baseline
        self.variants = variants
        self.integrity = integrity
        self.httpServer = httpServer
        self.failures = failures
        self.headline = headline
        self.notes = notes
        self.warnings = warnings
    }
}

public struct ScenarioInfo: Codable, Sendable {
    public var name: String
    public var file: String
    public var workload: Workload
    /// Every knob's value and where it came from (`file:line`, `command line (--flag)`, `default`).
    public var knobs: [Knob]

    public struct Knob: Codable, Sendable {
        public var key: String
        /// Typed as its key is (JSON number, string or array); summaries before schema version 3
        /// held text, which decoding types by the key.
        public var value: ScenarioValue
        public var origin: String

        public init(key: String, value: ScenarioValue, origin: String) {
            self.key = key
            self.value = value
            self.origin = origin
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decode(String.self, forKey: .key)
            origin = try c.decode(String.self, forKey: .origin)
            let raw = try c.decode(ScenarioValue.self, forKey: .value)
            value = ScenarioKeys.key(named: key)?.normalized(raw) ?? raw
        }
    }

    public init(name: String, file: String, workload: Workload, knobs: [Knob]) {
        self.name = name
        self.file = file
        self.workload = workload
        self.knobs = knobs
    }

    /// The knob of one key, if the summary lists it.
    public func entry<Value>(for key: ScenarioKeyPath<Value>) -> Knob? {
        let name = ScenarioKeys.table[keyPath: key].name
        return knobs.first { $0.key == name }
    }

    /// The run's value of one key, typed by its declaration; the key's default when the summary
    /// does not list it (a summary older than the key).
    public subscript<Value>(key: ScenarioKeyPath<Value>) -> Value {
        let declared = ScenarioKeys.table[keyPath: key]
        return entry(for: key).flatMap { Value(scenarioValue: $0.value) } ?? declared.defaultValue
    }
}

extension RunSummary {
    /// The run's value of one scenario key: `summary[\.http.pages]`.
    public subscript<Value>(key: ScenarioKeyPath<Value>) -> Value { scenario[key] }
}

public struct EnvironmentInfo: Codable, Sendable {
    public var kind: String
    public var pathEntries: Int
    public var distributions: Int
    public var entryPointFiles: Int
    public var reused: Bool
    public var description: String

    public init(
        kind: String, pathEntries: Int, distributions: Int, entryPointFiles: Int, reused: Bool, description: String
    ) {
        self.kind = kind
        self.pathEntries = pathEntries
        self.distributions = distributions
        self.entryPointFiles = entryPointFiles
        self.reused = reused
        self.description = description
    }
}

public struct CostProfileInfo: Codable, Sendable {
    public var name: String
    public var description: String
    public var file: String?
    public var units: [String: Double]
    public var sources: [String: String]
    /// Where a calibrated profile was measured (dotted keys: interpreter, python_version, date, machine.*, fits.*).
    public var calibration: [String: String]

    public init(
        name: String, description: String, file: String? = nil, units: [String: Double], sources: [String: String],
        calibration: [String: String]
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.units = units
        self.sources = sources
        self.calibration = calibration
    }
}

/// What `--cache cold` did and cost on this machine.
public struct PageCacheInfo: Codable, Sendable {
    /// How the pages were dropped and checked, in words.
    public var method: String
    /// Native scans measured warm and cold side by side before the run.
    public var reference: ScanCacheComparison
    /// The drops before the run's own scans, summed over invocations.
    public var run: PageEviction
    /// Which units the cold scans were padded to.
    public var paddedWith: String

    public init(method: String, reference: ScanCacheComparison, run: PageEviction, paddedWith: String) {
        self.method = method
        self.reference = reference
        self.run = run
        self.paddedWith = paddedWith
    }
}

/// One phase of one variant, over its invocations. Times are modelled (padded) milliseconds per
/// invocation, already extrapolated to the production unit count for sampled phases.
public struct PhaseSummary: Codable, Sendable {
    public var phase: Phase
    public var provenance: Provenance
    public var invocations: Int
    public var unitsDone: Int
    public var productionUnits: Int
    public var modelledMs: DistributionSummary
    public var nativeMeanMs: Double
    public var scansMean: Double
    public var scanMeanMs: Double
    /// Mean seconds this phase adds to one production run.
    public var secondsPerRun: Double
    /// Minutes over the production workload, and the difference to the baseline's same phase.
    public var productionMinutes: Double
    public var deltaMinutes: Double
    /// Share of this variant's regression the phase explains (nil for the baseline or no regression).
    public var share: Double?
    /// The stretch of a real `meltano run` log this phase falls in (`simulate timeline`'s phases),
    /// nil for phases no single log stretch holds: what a comparison with real logs groups by.
    public var logPhase: LogPhase?
    /// Seconds this phase's invocations waited for the system database's lock, summed; excluded
    /// from every time above (another process's lock is not a cost of the variant). Absent when
    /// none was waited for, and in older summaries.
    public var lockWaitSeconds: Double? = nil

    public init(
        phase: Phase, provenance: Provenance, invocations: Int, unitsDone: Int, productionUnits: Int,
        modelledMs: DistributionSummary, nativeMeanMs: Double, scansMean: Double, scanMeanMs: Double,
        secondsPerRun: Double, productionMinutes: Double, deltaMinutes: Double, share: Double? = nil
    ) {
        self.phase = phase
        self.provenance = provenance
        self.invocations = invocations
        self.unitsDone = unitsDone
        self.productionUnits = productionUnits
        self.modelledMs = modelledMs
        self.nativeMeanMs = nativeMeanMs
        self.scansMean = scansMean
        self.scanMeanMs = scanMeanMs
        self.secondsPerRun = secondsPerRun
        self.productionMinutes = productionMinutes
        self.deltaMinutes = deltaMinutes
        self.share = share
        logPhase = phase.logPhase
    }
}

/// Discovery counts of one invocation; a variant lists them in the order its invocations started.
public struct InvocationCounts: Codable, Sendable, Equatable {
    public var index: Int
    public var ordinal: Int
    public var succeeded: Bool
    public var scans: Int
    public var lookups: Int
    public var backendsCalls: Int
    public var addonObjects: Int
    public var groupsTouched: Int
    public var errorPaths: Int
    public var persistentHits: Int

    public init(
        index: Int, ordinal: Int, succeeded: Bool, scans: Int, lookups: Int, backendsCalls: Int, addonObjects: Int,
        groupsTouched: Int, errorPaths: Int, persistentHits: Int
    ) {
        self.index = index
        self.ordinal = ordinal
        self.succeeded = succeeded
        self.scans = scans
        self.lookups = lookups
        self.backendsCalls = backendsCalls
        self.addonObjects = addonObjects
        self.groupsTouched = groupsTouched
        self.errorPaths = errorPaths
        self.persistentHits = persistentHits
    }
}

public struct ScanSummary: Codable, Sendable {
    public var total: Int
    public var perInvocation: SampleStatistics
    public var firstInvocation: Int
    public var maxAfterFirst: Int

    public init(total: Int, perInvocation: SampleStatistics, firstInvocation: Int, maxAfterFirst: Int) {
        self.total = total
        self.perInvocation = perInvocation
        self.firstInvocation = firstInvocation
        self.maxAfterFirst = maxAfterFirst
    }
}

public struct VariantSummary: Codable, Sendable {
    public var name: String
    /// Distributions in the environment this variant scanned (its own with `packages_by_variant`).
    public var distributions: Int
    public var profile: String
    /// Where the profile came from (`ProfileProvenance.description`); nil in summaries before profiles were files.
    public var profileProvenance: String?
    /// The profile's `behaviourFingerprint`; nil in summaries before profiles were files.
    public var profileFingerprint: String?
    public var strategy: DiscoveryStrategy
    public var catalogWrite: CatalogWriteMode
    public var planned: Int
    public var succeeded: Int
    public var failed: Int
    public var lost: Int
    public var scans: ScanSummary
    public var errorPaths: Int
    public var errorMessages: [String]
    public var storage: StorageCounters
    public var heartbeats: Int
    public var jobOverlaps: Int
    public var phases: [PhaseSummary]
    /// HTTP work per phase that made requests (client side).
    public var http: [HTTPPhaseSummary]?
    /// Invocations that failed because an HTTP call gave up.
    public var httpFailedInvocations: Int?
    /// Invocations that failed because the system database stayed locked past the busy timeout.
    public var databaseLockedInvocations: Int? = nil
    /// Per job of a listed workload (`jobs:` in the scenario); nil for alike jobs and in older summaries.
    public var jobs: [JobSummary]? = nil
    /// Invocations that failed because the PostgreSQL system database could not be reached.
    public var databaseUnreachableInvocations: Int? = nil
    /// Mean simulated seconds per invocation (sampled phases extrapolated), without assumed phases.
    public var simulatedSecondsPerRun: Double
    public var secondsPerRun: Double
    public var productionMinutes: Double
    public var regressionMinutes: Interval?
    /// The part of `regressionMinutes`' half-width that the cost profile's spread brings (already
    /// in the interval, added in quadrature); nil when the profile states no spread.
    public var regressionCostSpreadMinutes: Double?
    public var topPhase: Phase?
    /// The minutes the top phase explains, with its own bootstrap interval.
    public var topPhaseMinutes: Interval?
    /// Whether this variant's invocations differ from the baseline's beyond noise.
    public var mannWhitney: MannWhitneyResult?
    /// The regression split by kind of work (scans, catalog write, SQLite, HTTP, other).
    public var categories: [CategoryShare]
    /// Simulated seconds of each completed invocation (sampled phases extrapolated), in start order:
    /// the first `listedInvocationLimit` of them. Invocations failed by an infrastructure fault are
    /// not in it (nor in any statistic).
    public var simulatedSeconds: [Double]
    /// Discovery counts of the same invocations as `simulatedSeconds`.
    public var invocations: [InvocationCounts]
    /// Count, mean and variance of the simulated seconds of every finished invocation, listed or not
    /// (nil in summaries written before lists were capped, whose lists are whole).
    public var simulatedSecondsMoments: SecondsMoments?

    /// A summary lists at most this many invocations per variant: past it, a list costs memory and
    /// report space in proportion to the run and says nothing the moments do not (the comparison
    /// of two large samples is the normal approximation from their moments).
    public static let listedInvocationLimit = 20_000

    /// Whether `simulatedSeconds` holds every finished invocation (so a bootstrap over it is whole).
    public var listsEveryInvocation: Bool {
        simulatedSecondsMoments.map { $0.count == simulatedSeconds.count } ?? true
    }

    /// The moments of every finished invocation's simulated seconds: stored, or those of the (whole) list.
    public var everyInvocationMoments: SecondsMoments {
        simulatedSecondsMoments ?? SecondsMoments(simulatedSeconds)
    }

    /// Minutes of the regression spent in discovery scans (across all phases): the `discovery
    /// scans` row of `categories`, nil for the baseline.
    public var scanRegressionMinutes: Double? {
        categories.first { $0.category == .discoveryScans }?.minutes
    }

    public init(
        name: String, distributions: Int, profile: String, strategy: DiscoveryStrategy, catalogWrite: CatalogWriteMode,
        planned: Int,
        succeeded: Int, failed: Int, lost: Int, scans: ScanSummary, errorPaths: Int, errorMessages: [String],
        storage: StorageCounters, heartbeats: Int, jobOverlaps: Int, phases: [PhaseSummary],
        http: [HTTPPhaseSummary]? = nil, httpFailedInvocations: Int? = nil, databaseLockedInvocations: Int? = nil,
        simulatedSecondsPerRun: Double,
        secondsPerRun: Double, productionMinutes: Double, regressionMinutes: Interval? = nil, topPhase: Phase? = nil,
        topPhaseMinutes: Interval? = nil, mannWhitney: MannWhitneyResult? = nil, categories: [CategoryShare],
        simulatedSeconds: [Double], invocations: [InvocationCounts], simulatedSecondsMoments: SecondsMoments? = nil
    ) {
        self.name = name
        self.distributions = distributions
        self.profile = profile
        self.strategy = strategy
        self.catalogWrite = catalogWrite
        self.planned = planned
        self.succeeded = succeeded
        self.failed = failed
        self.lost = lost
        self.scans = scans
        self.errorPaths = errorPaths
        self.errorMessages = errorMessages
        self.storage = storage
        self.heartbeats = heartbeats
        self.jobOverlaps = jobOverlaps
        self.phases = phases
        self.http = http
        self.httpFailedInvocations = httpFailedInvocations
        self.databaseLockedInvocations = databaseLockedInvocations
        self.simulatedSecondsPerRun = simulatedSecondsPerRun
        self.secondsPerRun = secondsPerRun
        self.productionMinutes = productionMinutes
        self.regressionMinutes = regressionMinutes
        self.topPhase = topPhase
        self.topPhaseMinutes = topPhaseMinutes
        self.mannWhitney = mannWhitney
        self.categories = categories
        self.simulatedSeconds = simulatedSeconds
        self.invocations = invocations
        self.simulatedSecondsMoments = simulatedSecondsMoments
    }
}

/// What the system database holds after the run, checked against the events.
public struct IntegrityInfo: Codable, Sendable {
    public var runsRows: Int
    public var runsByState: [String: Int]
    public var nonTerminalRuns: Int
    public var stateRows: Int
    public var expectedStateRows: Int
    public var stateWritesRecorded: Int
    public var stateWritesReported: Int
    /// Writes workers reported that the store does not hold, summed state id by state id (never net
    /// of a surplus elsewhere).
    public var lostUpdates: Int
    /// Writes the store holds that no worker reported (a worker killed after a write, before its
    /// report), summed state id by state id; nil in summaries from before it was counted.
    public var unreportedWrites: Int?
    /// http backend: locks left on the server after the run (nil for other backends).
    public var locksLeft: Int?
    /// http backend: jobs whose `state.json` on the server equals the last state written to it.
    public var stateDocumentsMatchingLastWrite: Int?
    public var ok: Bool
    /// The PostgreSQL server the run's system database was on (`PostgreSQL 15.18 at URL`); nil for the
    /// default SQLite file in the run folder.
    public var systemDatabase: String?

    public init(
        runsRows: Int, runsByState: [String: Int], nonTerminalRuns: Int, stateRows: Int, expectedStateRows: Int,
        stateWritesRecorded: Int, stateWritesReported: Int, lostUpdates: Int, locksLeft: Int? = nil,
        stateDocumentsMatchingLastWrite: Int? = nil, ok: Bool, unreportedWrites: Int? = nil
    ) {
        self.unreportedWrites = unreportedWrites
        self.runsRows = runsRows
        self.runsByState = runsByState
        self.nonTerminalRuns = nonTerminalRuns
        self.stateRows = stateRows
        self.expectedStateRows = expectedStateRows
        self.stateWritesRecorded = stateWritesRecorded
        self.stateWritesReported = stateWritesReported
        self.lostUpdates = lostUpdates
        self.locksLeft = locksLeft
        self.stateDocumentsMatchingLastWrite = stateDocumentsMatchingLastWrite
        self.ok = ok
    }
}

/// What went wrong in the run itself, by kind (simulated Meltano errors are not failures).
public struct FailureCounts: Codable, Sendable {
    /// Worker processes that exited with a non-zero status or a signal.
    public var workerExits: Int = 0
    /// Worker processes killed for running past their timeout.
    public var workerTimeouts: Int = 0
    /// Lines on a worker's stdout that were not events (kept in events.jsonl).
    public var malformedLines: Int = 0
    /// Planned invocations that never finished.
    public var lostInvocations: Int = 0
    /// The signal's description when the run was interrupted.
    public var interrupted: String?
    /// Invocations that failed because an HTTP call gave up (the tap or state backend raised);
    /// absent when none did.
    public var httpFailedInvocations: Int?
    /// HTTP calls that gave up, by the last attempt's cause.
    public var httpCallsGaveUp: CauseCounts?
    /// Invocations that failed because the system database stayed locked past the busy timeout;
    /// absent when none did.
    public var databaseLockedInvocations: Int?
    /// Invocations that failed because the PostgreSQL system database could not be reached; absent
    /// when none did.
    public var databaseUnreachableInvocations: Int?

    public init() {}

    public var any: Bool {
        workerExits + workerTimeouts + malformedLines + lostInvocations + (httpFailedInvocations ?? 0)
            + (httpCallsGaveUp?.total ?? 0) + (databaseLockedInvocations ?? 0) + (databaseUnreachableInvocations ?? 0)
            > 0
            || interrupted != nil
    }
}
