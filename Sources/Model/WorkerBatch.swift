import Foundation

/// One planned invocation: which variant runs it, which job, and the seeded decisions it meets.
public struct InvocationSpec: Codable, Sendable, Equatable {
    /// Unique within a run; events carry it.
    public let index: Int
    /// Position within its variant. Decisions derive from it, not from `index`, so invocation k of
    /// every variant meets the same errors (common random numbers make the comparison fair).
    public let ordinal: Int
    public let variant: String
    public let job: String
    /// The job's position in the scenario's jobs (its sizes in the batch's `jobs`).
    public let jobIndex: Int
    public let stateID: String
    /// Whether state-backend initialization #1 (tap lookup) and #2 (target write) meet an unknown scheme.
    public let errorAtInit: [Bool]

    public init(
        index: Int, ordinal: Int, variant: String, job: String, jobIndex: Int = 0, stateID: String,
        errorAtInit: [Bool]
    ) {
        self.index = index
        self.ordinal = ordinal
        self.variant = variant
        self.job = job
        self.jobIndex = jobIndex
        self.stateID = stateID
        self.errorAtInit = errorAtInit
    }
}

/// Everything a worker process needs, sent as one JSON document on its stdin. Related settings
/// travel in small groups, each made from the scenario in one place (`WorkerBatch+Scenario.swift`);
/// what a worker reaches is named by a locator or a folder, never an open handle.
public struct WorkerBatch: Codable, Sendable {
    public var workload: Workload
    public var costProfile: CostProfile
    public var variants: [Variant]
    public var invocations: [InvocationSpec]
    /// The environment discovery scans, and where its persistent cache lives.
    public var discovery: DiscoveryWork
    /// The system database, and how long its statements may wait for a lock.
    public var systemDatabase: SystemDatabaseWork
    public var catalog: CatalogWork
    public var state: StateWork
    /// After an unknown state-backend scheme: retry with the right one (true), or fail the invocation.
    public var retryOnError: Bool
    public var microbench: MicrobenchWork
    /// The HTTP server and how to use it; nil when the run has no server (no extraction, no http state).
    public var http: HTTPWork? = nil
    /// The worker's address-space limit (`worker_memory_limit_mb`); nil sets none.
    public var memoryLimitMB: Int? = nil
    /// Each job's sizes, by `InvocationSpec.jobIndex`; empty: every invocation uses `catalog`, `state` and `http` as they are.
    public var jobs: [JobWork] = []

    public init(
        workload: Workload, costProfile: CostProfile, variants: [Variant], invocations: [InvocationSpec],
        discovery: DiscoveryWork, systemDatabase: SystemDatabaseWork, catalog: CatalogWork, state: StateWork,
        retryOnError: Bool, microbench: MicrobenchWork = MicrobenchWork(), http: HTTPWork? = nil,
        memoryLimitMB: Int? = nil
    ) {
        self.workload = workload
        self.costProfile = costProfile
        self.variants = variants
        self.invocations = invocations
        self.discovery = discovery
        self.systemDatabase = systemDatabase
        self.catalog = catalog
        self.state = state
        self.retryOnError = retryOnError
        self.microbench = microbench
        self.http = http
        self.memoryLimitMB = memoryLimitMB
    }

    /// A job with nothing to do: a worker given it starts, reports, and exits. The start-up
    /// benchmark sends it, and the zygote decodes it once to warm the JSON coders.
    public static let startUpProbe = WorkerBatch(
        workload: .pipeline, costProfile: .native, variants: [], invocations: [],
        discovery: DiscoveryWork(pathEntries: [], cacheDirectory: ""),
        systemDatabase: SystemDatabaseWork(locator: .sqlite(path: ""), heartbeatIntervalSeconds: 1),
        catalog: CatalogWork(lines: 0, sampleLines: 1, scratchDirectory: ""),
        state: StateWork(backend: .systemdb, root: "", messages: 0, sampleMessages: 1, lockTimeoutSeconds: 1),
        retryOnError: true)

    /// The same job with only some invocations: what one worker process receives.
    public func with(invocations: [InvocationSpec]) -> WorkerBatch {
        var copy = self
        copy.invocations = invocations
        return copy
    }

    /// The batch as job `index` runs it: its catalog lines, STATE messages and pages.
    public func forJob(_ index: Int) -> WorkerBatch {
        guard jobs.indices.contains(index) else { return self }
        var copy = self
        copy.catalog.lines = jobs[index].catalogLines
        copy.state.messages = jobs[index].stateMessages
        copy.http?.pages = jobs[index].pages
        return copy
    }

    /// The variant named `name`, if the batch has it.
    public func variant(named name: String) -> Variant? {
        variants.first { $0.name == name }
    }
}

/// What discovery scans: the environment's path entries, and where the persistent cache lives.
public struct DiscoveryWork: Codable, Sendable, Equatable {
    public var pathEntries: [String]
    /// Variants that scan their own environment instead (microbench `packages_by_variant`).
    public var variantPathEntries: [String: [String]] = [:]
    /// `cold`: drop the environment's pages before every scan (see `PageCache`).
    public var cacheMode: CacheMode = .warm
    /// The persistent entry-point cache's folder.
    public var cacheDirectory: String

    public init(
        pathEntries: [String], variantPathEntries: [String: [String]] = [:], cacheMode: CacheMode = .warm,
        cacheDirectory: String
    ) {
        self.pathEntries = pathEntries
        self.variantPathEntries = variantPathEntries
        self.cacheMode = cacheMode
        self.cacheDirectory = cacheDirectory
    }

    /// The path entries `variant` scans.
    public func pathEntries(for variant: String) -> [String] {
        variantPathEntries[variant] ?? pathEntries
    }
}

/// The system database and its lock behaviour.
public struct SystemDatabaseWork: Codable, Sendable, Equatable {
    public var locator: SystemDatabaseLocator
    /// How long a statement waits for a lock before the invocation fails.
    public var busyTimeoutSeconds: Double = 30
    /// The run's heartbeat: one `runs` update per interval while it runs.
    public var heartbeatIntervalSeconds: Double

    public init(locator: SystemDatabaseLocator, busyTimeoutSeconds: Double = 30, heartbeatIntervalSeconds: Double) {
        self.locator = locator
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
    }
}

/// The tap's catalog: how many lines production writes, how many are written for real, and where.
public struct CatalogWork: Codable, Sendable, Equatable {
    public var lines: Int
    public var sampleLines: Int
    /// Overrides every profile's catalog write mode when set.
    public var writeOverride: CatalogWriteMode? = nil
    /// The folder the catalog files are written to.
    public var scratchDirectory: String

    public init(lines: Int, sampleLines: Int, writeOverride: CatalogWriteMode? = nil, scratchDirectory: String) {
        self.lines = lines
        self.sampleLines = sampleLines
        self.writeOverride = writeOverride
        self.scratchDirectory = scratchDirectory
    }

    /// Lines written for real per invocation.
    public var linesWritten: Int { min(lines, sampleLines) }
}

/// The job's state: its backend, the STATE messages, and the backend's lock.
public struct StateWork: Codable, Sendable, Equatable {
    public var backend: StateBackendKind
    /// The file backend's folder.
    public var root: String
    /// STATE messages production writes per invocation, and how many are written for real.
    public var messages: Int
    public var sampleMessages: Int
    /// How long the file and http backends wait for their lock, and the sleep between attempts.
    public var lockTimeoutSeconds: Double
    public var lockRetrySeconds: Double = 1

    public init(
        backend: StateBackendKind, root: String, messages: Int, sampleMessages: Int, lockTimeoutSeconds: Double,
        lockRetrySeconds: Double = 1
    ) {
        self.backend = backend
        self.root = root
        self.messages = messages
        self.sampleMessages = sampleMessages
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.lockRetrySeconds = lockRetrySeconds
    }

    /// The URI scheme the state backend resolves through: `http` stands for Meltano's `s3://` shape.
    public var scheme: String { backend.scheme }
    /// Messages written for real per invocation.
    public var messagesWritten: Int { min(messages, sampleMessages) }
}

/// The micro-benchmark workload's counts.
public struct MicrobenchWork: Codable, Sendable, Equatable {
    public var backendsCalls: Int
    public var creations: Int

    public init(backendsCalls: Int = 0, creations: Int = 0) {
        self.backendsCalls = backendsCalls
        self.creations = creations
    }
}

/// The HTTP part of a job: where the server is, the client's timeouts and retries, and the
/// extraction's page counts.
public struct HTTPWork: Codable, Sendable, Equatable {
    public var server: HTTPServerLocator
    public var timeouts: CurlTimeouts
    public var retry: RetryPolicy
    /// Pages the production tap reads per invocation, and how many are read for real.
    public var pages: Int
    public var samplePages: Int

    public init(server: HTTPServerLocator, timeouts: CurlTimeouts, retry: RetryPolicy, pages: Int, samplePages: Int) {
        self.server = server
        self.timeouts = timeouts
        self.retry = retry
        self.pages = pages
        self.samplePages = samplePages
    }

    /// The client's settings: the server's base URL, the timeouts, the retries.
    public var client: ClientSettings {
        ClientSettings(baseURL: server.baseURL, timeouts: timeouts, retry: retry)
    }

    /// Pages read for real per invocation.
    public var pagesRead: Int { min(pages, samplePages) }
}
