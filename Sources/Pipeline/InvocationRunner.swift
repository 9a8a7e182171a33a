import Foundation
import Discovery
import Environment
import HTTP
import Scenario
import Storage

/// Padding and scans of one invocation, shared with the scan closure the discovery session calls.
final class PaddingLedger: @unchecked Sendable {
    // Only the invocation's own thread touches it (scans run synchronously inside its calls).
    var scans = 0
    var scanTiming = UnitTiming()
    var unitTiming = UnitTiming()
    /// Time spent dropping the page cache before cold scans: setup, not work, so phases leave it out.
    var excludedNs: UInt64 = 0
    /// What the drops did, summed over this invocation's scans (nil when the cache stays warm).
    var eviction: PageCache.Eviction?
    /// HTTP counters of each phase that made requests.
    var http: [String: HTTPCounters] = [:]

    var paddingNs: UInt64 {
        (scanTiming.modelledNanoseconds - scanTiming.nativeNanoseconds) + (unitTiming.modelledNanoseconds - unitTiming.nativeNanoseconds)
    }
}

/// Runs one simulated `meltano run` in Meltano's order (DESIGN.md §3) and emits its events.
///
/// Every step does its real work: discovery through a fresh `DiscoverySession` (so in-process
/// caches start empty), job bookkeeping and state in the shared SQLite system database, the
/// catalog written to a real file, pages read over HTTP from the loopback source API, STATE
/// messages written through the state backend.
public final class InvocationRunner {
    let job: WorkerJob
    let padder: CostPadder
    let emit: (WorkerEvent) -> Void
    /// What a variant scans: its path entries and (cold) their files, listed once.
    struct ScanEnvironment {
        let pathEntries: [String]
        let pageCache: PageCache?
    }
    private var environments: [[String]: ScanEnvironment] = [:]
    /// One client (one curl handle, kept alive) for every invocation of this worker.
    private var client: RetryingClient?

    /// The worker's HTTP client, created on first use.
    func httpClient() throws -> RetryingClient {
        if let client { return client }
        guard let settings = job.http?.client else { throw PipelineError("the job has no HTTP server for the http state backend") }
        let made = try RetryingClient(settings: settings)
        client = made
        return made
    }

    public init(job: WorkerJob, emit: @escaping (WorkerEvent) -> Void) {
        self.job = job
        self.padder = CostPadder(profile: job.costProfile)
        self.emit = emit
    }

    /// The environment `variant` scans, made on first use.
    func environment(for variant: String) -> ScanEnvironment {
        let paths = job.variantPathEntries[variant] ?? job.pathEntries
        if let known = environments[paths] { return known }
        let made = ScanEnvironment(pathEntries: paths,
                                   pageCache: job.cacheMode == "cold" ? PageCache(pathEntries: paths) : nil)
        environments[paths] = made
        return made
    }

    /// The profile's cost of one scan over `distributions`: the cold units when the cache is cold
    /// and the profile has them, else the warm ones.
    func scanMicros(distributions: Int) -> Double {
        let p = padder.profile
        let cold = job.cacheMode == "cold" && p.microseconds(.scanColdPerDistribution) != nil
        let fixed = p.microseconds(cold ? .scanColdFixed : .scanFixed) ?? 0
        let perDistribution = p.microseconds(cold ? .scanColdPerDistribution : .scanPerDistribution) ?? 0
        return fixed + perDistribution * Double(distributions)
    }

    /// Runs `body` (system-database work, plus `jsonMessages` STATE messages' JSON) and pads it to
    /// the profile's cost of the statements it executed: counted from the connection, not assumed.
    func padded<T>(_ database: SystemDatabase, jsonMessages: Int = 0, ledger: PaddingLedger, _ body: () throws -> T) rethrows -> T {
        let statements = database.connection.stats.statementsExecuted
        let start = MonotonicClock.now()
        let result = try body()
        let end = MonotonicClock.now()
        let executed = database.connection.stats.statementsExecuted - statements
        let micros = (padder.profile.microseconds(.sqliteStatement) ?? 0) * Double(executed)
            + (padder.profile.microseconds(.jsonState) ?? 0) * Double(jsonMessages)
        padder.pad(started: start, nativeEnd: end, targetMicros: micros, units: executed, timing: &ledger.unitTiming)
        return result
    }

    /// A discovery session whose every scan is real, timed, and padded to the profile's cost.
    func makeSession(strategy: DiscoveryStrategy, variant: String, ledger: PaddingLedger) -> DiscoverySession {
        let scanEnvironment = environment(for: variant)
        let padder = self.padder, pageCache = scanEnvironment.pageCache
        // One session is one simulated `meltano` process: CPython's listing cache starts empty and
        // is reused by its later scans. A cold cache lists every scan, as `cache: cold` promises.
        let scanner = EntryPointScanner(pathEntries: scanEnvironment.pathEntries, listings: pageCache == nil ? ListingCache() : nil)
        return DiscoverySession(strategy: strategy, pathEntries: scanEnvironment.pathEntries,
                                persistentCacheDirectory: URL(fileURLWithPath: job.discoveryCacheDirectory)) { [self] in
            if let pageCache {
                let dropStart = MonotonicClock.now()
                let eviction = pageCache.evict()
                ledger.eviction = (ledger.eviction ?? PageCache.Eviction()).adding(eviction)
                ledger.excludedNs += MonotonicClock.now() - dropStart
            }
            let start = MonotonicClock.now()
            let result = scanner.scan()
            let end = MonotonicClock.now()
            let micros = scanMicros(distributions: result.distributionsFound)
            padder.pad(started: start, nativeEnd: end, targetMicros: micros, units: 1, timing: &ledger.scanTiming)
            ledger.scans += 1
            return result
        }
    }

    /// Times `body` as one phase: modelled = wall time (padding included), native = wall − padding.
    func phase(_ name: String, _ provenance: Provenance = .measured, units: Int = 1, productionUnits: Int? = nil,
               ledger: PaddingLedger, invocation: Int, variant: String, _ body: () throws -> Void) rethrows {
        let scans0 = ledger.scans, scanNs0 = ledger.scanTiming.modelledNanoseconds, pad0 = ledger.paddingNs
        let excluded0 = ledger.excludedNs
        _ = client?.takeCounters()
        let start = MonotonicClock.now()
        try body()
        let wall = MonotonicClock.now() - start - (ledger.excludedNs - excluded0)
        if let counters = client?.takeCounters(), !counters.isEmpty { ledger.http[name, default: HTTPCounters()].add(counters) }
        let padding = ledger.paddingNs - pad0
        var event = WorkerEvent(.phase, invocation: invocation, variant: variant)
        event.phase = PhaseRecord(phase: name, provenance: provenance, units: units, productionUnits: productionUnits ?? units,
                                  nativeNs: wall - min(wall, padding), modelledNs: wall,
                                  scans: ledger.scans - scans0, scanModelledNs: ledger.scanTiming.modelledNanoseconds - scanNs0)
        emit(event)
    }

    /// Runs one invocation to its end; simulated Meltano errors are outcomes, not throws.
    public func run(_ spec: InvocationSpec) throws {
        guard let variant = job.variants.first(where: { $0.name == spec.variant }) else {
            throw PipelineError("invocation \(spec.index): unknown variant '\(spec.variant)'")
        }
        let profile = variant.profile
        let start = MonotonicClock.now()
        var started = WorkerEvent(.invocationStarted, invocation: spec.index, variant: spec.variant)
        started.job = spec.job
        started.pid = getpid()
        emit(started)

        let ledger = PaddingLedger()
        let session = makeSession(strategy: variant.strategy, variant: variant.name, ledger: ledger)
        let resolver = StateBackendResolver(profile: profile, session: session)
        let database = try SystemDatabase(path: job.databasePath)
        let store: StateStore
        switch job.stateBackend {
        case "file":
            store = try FileStateStore(root: job.stateRoot, lockTimeoutSeconds: job.lockTimeoutSeconds, retryInterval: job.lockRetrySeconds)
        case "http":
            let http = HTTPStateStore(client: try httpClient(), lockTimeoutSeconds: job.lockTimeoutSeconds, retryInterval: job.lockRetrySeconds)
            // Keyed by ordinal: the same write of every variant meets the same faults.
            http.keyPrefix = "state/o\(spec.ordinal)"
            store = http
        default:
            store = database
        }
        let p = { (name: String, prov: Provenance, units: Int, prod: Int?, body: () throws -> Void) throws in
            try self.phase(name, prov, units: units, productionUnits: prod, ledger: ledger, invocation: spec.index,
                           variant: spec.variant, body)
        }
        var succeeded = true
        var errorPaths = 0
        var overlap = false
        var runRowID: Int64 = 0
        var heartbeat: Heartbeat?
        var stateWrites = 0
        var lockWaits = 0
        var failure: String?
        var lastWrite: LastStateWrite?

        /// An HTTP call that gave up fails the invocation (as the tap or the state backend would
        /// raise), recorded as an outcome; anything else still throws.
        func failingOnHTTP(_ phase: String, _ body: () throws -> Void) throws {
            do { try body() } catch let error as HTTPCallFailed {
                succeeded = false
                failure = "\(phase): \(error)"
            }
        }

        /// One initialization with the profile's error path; false when the invocation must fail.
        func initialize(_ number: Int, raisesTwice: Bool) -> Bool {
            let planned = spec.errorAtInit.indices.contains(number - 1) && spec.errorAtInit[number - 1]
            let scheme = planned ? StateBackendResolver.misconfiguredScheme : job.backendScheme
            switch resolver.initialize(scheme: scheme, initialization: number, raisesTwice: raisesTwice) {
            case .resolved:
                return true
            case .failed(let record):
                errorPaths += 1
                var event = WorkerEvent(.errorPath, invocation: spec.index, variant: spec.variant)
                event.errorPath = record
                emit(event)
                guard job.retryOnError else { return false }
                // The operator fixes the URI and the run goes on: a fresh manager, the right scheme.
                if case .resolved = resolver.initialize(scheme: job.backendScheme, initialization: number, raisesTwice: raisesTwice) {
                    return true
                }
                return false
            }
        }

        try p("settings", .measured, 1, nil) {
            if profile.scansSettingsGroup {
                let settings = session.newAddonObject()
                _ = session.lookup(group: "meltano.settings", name: "project", via: settings)
            }
        }
        try p("bookkeeping", .measured, 3, nil) {
            let now = Date()
            try padded(database, ledger: ledger) {
                _ = try database.markStaleRuns(heartbeatOlderThan: now.addingTimeInterval(-300), now: now)
                overlap = try database.runningCount(jobName: spec.job) > 0
                runRowID = try database.insertRun(jobName: spec.job, runID: UUID().uuidString, trigger: "simulate", now: now)
            }
            heartbeat = try Heartbeat(databasePath: job.databasePath, runRowID: runRowID, interval: job.heartbeatIntervalSeconds)
        }
        try p("state-lookup", .measured, 1, nil) {
            succeeded = initialize(1, raisesTwice: profile.tapErrorRaisedTwice)
            if succeeded { try failingOnHTTP("state-lookup") { _ = try padded(database, ledger: ledger) { try store.get(stateID: spec.stateID) } } }
        }
        if succeeded {
            let sample = min(job.catalogLines, job.catalogSampleLines)
            try p("catalog-write", sample < job.catalogLines ? .sampled : .measured, sample, job.catalogLines) {
                guard sample > 0 else { return }
                let path = job.scratchDirectory + "/catalog-\(getpid())-\(spec.index).json"
                let mode = job.catalogWrite ?? profile.catalogWrite
                let writer = try CatalogWriter(path: path, mode: mode)
                let lines = CatalogLines(streams: 1 + spec.ordinal % 49)
                let unit: CostUnit = mode == .sync ? .catalogLineSync : .catalogLineThreadHop
                for i in 0..<sample {
                    let line = lines.line(i)
                    padder.run(unit, timing: &ledger.unitTiming) { writer.write(line) }
                }
                writer.finish()
            }
        }
        if succeeded, let http = job.http, http.pages > 0 {
            // The tap's extraction: pages of its selected streams, read for real over HTTP.
            let sample = min(http.pages, http.samplePages)
            try p("extract", sample < http.pages ? .sampled : .measured, sample, http.pages) {
                let client = try httpClient()
                let streams = 1 + spec.ordinal % 49
                try failingOnHTTP("extract") {
                    for i in 0..<sample {
                        let path = "/api/stream-\(i % streams)/records?page=\(i / streams)"
                        let page = try client.send("GET", path, key: "api/o\(spec.ordinal)/p\(i)")
                        guard page.status == 200, page.headers["x-record-count"] != nil else {
                            throw HTTPCallFailed(cause: nil, attempts: 1, message: "GET \(path): HTTP \(page.status)")
                        }
                    }
                }
            }
        }
        if succeeded && job.stateMessages > 0 {
            // The target's state backend is created lazily, on the first STATE message.
            try p("target-state-init", .measured, 1, nil) {
                succeeded = initialize(2, raisesTwice: false)
            }
        }
        if succeeded && job.stateMessages > 0 {
            let sample = min(job.stateMessages, job.stateSampleMessages)
            try p("state-write", sample < job.stateMessages ? .sampled : .measured, sample, job.stateMessages) {
                try failingOnHTTP("state-write") {
                    for m in 0..<sample {
                        let state = Self.statePayload(job: spec.job, message: m)
                        // One STATE message: its JSON (decoded and re-encoded for the store) and its statements.
                        let receipt = try padded(database, jsonMessages: 1, ledger: ledger) {
                            try database.updateRunPayload(runRowID: runRowID, payload: "{\"singer_state\":\(state)}", flags: 1)
                            return try store.set(stateID: spec.stateID, completed: state, partial: nil)
                        }
                        lockWaits += receipt.lockWaits
                        stateWrites += 1
                        if let document = receipt.storedDocument {
                            lastWrite = LastStateWrite(stateID: spec.stateID, sequence: receipt.writeSequence, document: document)
                        }
                    }
                }
            }
        }
        var beats = (beats: 0, failures: 0)
        try p("teardown", .measured, 1, nil) {
            if let heartbeat { beats = heartbeat.stop() }
            try padded(database, ledger: ledger) { try database.endRun(runRowID: runRowID, succeeded: succeeded, now: Date()) }
        }

        var finished = WorkerEvent(.invocationFinished, invocation: spec.index, variant: spec.variant)
        finished.job = spec.job
        var storage = StorageCounters()
        let stats = database.connection.stats
        storage.statements = stats.statementsExecuted
        storage.transactions = stats.transactions
        storage.busyWaits = stats.busyWaits
        storage.busyWaitNs = stats.busyWaitNanoseconds
        storage.retries = stats.retries
        storage.lockWaits = lockWaits
        finished.outcome = InvocationOutcome(succeeded: succeeded, discovery: session.counters, storage: storage,
                                             heartbeats: beats.beats, jobOverlap: overlap, stateWrites: stateWrites,
                                             errorPaths: errorPaths, wallNs: MonotonicClock.now() - start, coldCache: ledger.eviction,
                                             http: ledger.http.isEmpty ? nil : ledger.http, failure: failure, lastStateWrite: lastWrite)
        emit(finished)
    }

    /// A Singer STATE value that advances with each message.
    static func statePayload(job: String, message: Int) -> String {
        "{\"bookmarks\":{\"\(job)\":{\"replication_key\":\"updated_at\",\"replication_key_value\":\"2026-01-08T00:\(String(format: "%02d", message / 60 % 60)):\(String(format: "%02d", message % 60))Z\",\"message\":\(message)}}}"
    }
}
