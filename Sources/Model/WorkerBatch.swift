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
    public let stateID: String
    /// Whether state-backend initialization #1 (tap lookup) and #2 (target write) meet an unknown scheme.
    public let errorAtInit: [Bool]

    public init(index: Int, ordinal: Int, variant: String, job: String, stateID: String, errorAtInit: [Bool]) {
        self.index = index
        self.ordinal = ordinal
        self.variant = variant
        self.job = job
        self.stateID = stateID
        self.errorAtInit = errorAtInit
    }
}

/// Everything a worker process needs, sent as one JSON document on its stdin.
public struct WorkerBatch: Codable, Sendable {
    public var workload: Workload
    public var databasePath: String
    public var stateRoot: String
    public var stateBackend: StateBackendKind
    public var pathEntries: [String]
    /// Variants that scan their own environment instead (microbench `packages_by_variant`).
    public var variantPathEntries: [String: [String]] = [:]
    public var discoveryCacheDirectory: String
    public var scratchDirectory: String
    public var costProfile: CostProfile
    /// `cold`: drop the environment's pages before every scan (see `PageCache`).
    public var cacheMode: CacheMode
    public var catalogLines: Int
    public var catalogSampleLines: Int
    /// Overrides every profile's catalog write mode when set.
    public var catalogWrite: CatalogWriteMode? = nil
    public var stateMessages: Int
    public var stateSampleMessages: Int
    public var heartbeatIntervalSeconds: Double
    public var lockTimeoutSeconds: Double
    public var retryOnError: Bool
    public var microbenchBackendsCalls: Int
    public var microbenchCreations: Int
    public var variants: [Variant]
    public var invocations: [InvocationSpec]
    /// Sleep between attempts on a held lock (file and http backends).
    public var lockRetrySeconds: Double = 1
    /// How long a system-database statement waits for a lock before the invocation fails.
    public var busyTimeoutSeconds: Double = 30
    /// The loopback server and how to use it; nil when the run has no server (no extraction, no http state).
    public var http: HTTPWork? = nil
    /// The worker's address-space limit (`worker_memory_limit_mb`); nil sets none.
    public var memoryLimitMB: Int? = nil

    /// The URI scheme the state backend resolves through: `http` stands for Meltano's `s3://` shape.
    public var backendScheme: String { stateBackend.scheme }

    public init(
        workload: Workload, databasePath: String, stateRoot: String, stateBackend: StateBackendKind,
        pathEntries: [String],
        discoveryCacheDirectory: String, scratchDirectory: String, costProfile: CostProfile,
        cacheMode: CacheMode = .warm,
        catalogLines: Int, catalogSampleLines: Int, stateMessages: Int, stateSampleMessages: Int,
        heartbeatIntervalSeconds: Double, lockTimeoutSeconds: Double, retryOnError: Bool,
        microbenchBackendsCalls: Int, microbenchCreations: Int, variants: [Variant], invocations: [InvocationSpec]
    ) {
        self.workload = workload
        self.databasePath = databasePath
        self.stateRoot = stateRoot
        self.stateBackend = stateBackend
        self.pathEntries = pathEntries
        self.discoveryCacheDirectory = discoveryCacheDirectory
        self.scratchDirectory = scratchDirectory
        self.costProfile = costProfile
        self.cacheMode = cacheMode
        self.catalogLines = catalogLines
        self.catalogSampleLines = catalogSampleLines
        self.stateMessages = stateMessages
        self.stateSampleMessages = stateSampleMessages
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.retryOnError = retryOnError
        self.microbenchBackendsCalls = microbenchBackendsCalls
        self.microbenchCreations = microbenchCreations
        self.variants = variants
        self.invocations = invocations
    }

    /// A job with nothing to do: a worker given it starts, reports, and exits. The start-up
    /// benchmark sends it, and the zygote decodes it once to warm the JSON coders.
    public static let startUpProbe = WorkerBatch(
        workload: .pipeline, databasePath: "", stateRoot: "", stateBackend: .systemdb, pathEntries: [],
        discoveryCacheDirectory: "", scratchDirectory: "", costProfile: .native, catalogLines: 0, catalogSampleLines: 1,
        stateMessages: 0, stateSampleMessages: 1, heartbeatIntervalSeconds: 1, lockTimeoutSeconds: 1,
        retryOnError: true,
        microbenchBackendsCalls: 0, microbenchCreations: 0, variants: [], invocations: [])

    /// The same job with only some invocations: what one worker process receives.
    public func with(invocations: [InvocationSpec]) -> WorkerBatch {
        var copy = self
        copy.invocations = invocations
        return copy
    }
}

/// The HTTP part of a job: the client's settings (server address, timeouts, retries) and the
/// extraction's page counts.
public struct HTTPWork: Codable, Sendable, Equatable {
    public var client: ClientSettings
    /// Pages the production tap reads per invocation, and how many are read for real.
    public var pages: Int
    public var samplePages: Int

    public init(client: ClientSettings, pages: Int, samplePages: Int) {
        self.client = client
        self.pages = pages
        self.samplePages = samplePages
    }
}
