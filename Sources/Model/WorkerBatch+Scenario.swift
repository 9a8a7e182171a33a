/// A worker's batch made from a scenario, in one place: a new invocation-level setting is a field
/// of one of the batch's groups and one line here, not a copy in every caller.
extension WorkerBatch {
    /// The folders and services of one run, as the coordinator names them to its workers.
    public struct Places: Sendable, Equatable {
        public var systemDatabase: SystemDatabaseLocator
        /// The file state backend's folder.
        public var stateRoot: String
        /// The persistent entry-point cache's folder.
        public var discoveryCache: String
        /// Where catalogs are written.
        public var scratch: String
        /// The HTTP server, when the run has one.
        public var httpServer: HTTPServerLocator?

        public init(
            systemDatabase: SystemDatabaseLocator, stateRoot: String, discoveryCache: String, scratch: String,
            httpServer: HTTPServerLocator? = nil
        ) {
            self.systemDatabase = systemDatabase
            self.stateRoot = stateRoot
            self.discoveryCache = discoveryCache
            self.scratch = scratch
            self.httpServer = httpServer
        }
    }

    /// The batch `scenario` gives every worker (no invocations yet), scanning `pathEntries` and
    /// reaching what `places` names.
    public init(scenario: Scenario, costProfile: CostProfile, pathEntries: [String], places: Places) {
        self.init(
            workload: scenario.workload, costProfile: costProfile, variants: scenario.variants, invocations: [],
            discovery: DiscoveryWork(
                pathEntries: pathEntries, cacheMode: scenario.cacheMode, cacheDirectory: places.discoveryCache),
            systemDatabase: SystemDatabaseWork(
                locator: places.systemDatabase, busyTimeoutSeconds: scenario.busyTimeoutSeconds,
                heartbeatIntervalSeconds: scenario.heartbeatIntervalSeconds),
            catalog: CatalogWork(
                lines: scenario.catalogLines, sampleLines: scenario.catalogSampleLines,
                writeOverride: scenario.catalogWriteOverride, scratchDirectory: places.scratch),
            state: StateWork(
                backend: scenario.stateBackend, root: places.stateRoot, messages: scenario.stateMessages,
                sampleMessages: scenario.stateSampleMessages, lockTimeoutSeconds: scenario.lockTimeoutSeconds,
                lockRetrySeconds: scenario.lockRetrySeconds),
            retryOnError: scenario.retryOnError,
            microbench: MicrobenchWork(
                backendsCalls: scenario.microbenchBackendsCalls, creations: scenario.microbenchCreations),
            http: places.httpServer.map { HTTPWork(server: $0, knobs: scenario.http) },
            memoryLimitMB: scenario.workerMemoryLimitMB)
        jobs = scenario.workloadJobs.map(\.work)
    }
}

extension HTTPWork {
    /// The HTTP work the scenario's `http.*` knobs give, against `server`.
    public init(server: HTTPServerLocator, knobs: HTTPKnobs) {
        self.init(
            server: server,
            timeouts: CurlTimeouts(
                connectMilliseconds: knobs.connectTimeoutMilliseconds, totalMilliseconds: knobs.timeoutMilliseconds),
            retry: RetryPolicy(
                maxRetries: knobs.maxRetries, baseDelayMilliseconds: knobs.backoffMilliseconds,
                maxDelayMilliseconds: knobs.backoffMaxMilliseconds),
            pages: knobs.pages, samplePages: knobs.samplePages)
    }
}
