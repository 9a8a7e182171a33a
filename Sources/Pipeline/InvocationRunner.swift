import Discovery
import Environment
import Foundation
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
    /// A sampled phase's robust time for its whole sample, when it measured one (`SampleTimer`).
    var robustSampleNs: UInt64?
    /// What the drops did, summed over this invocation's scans (nil when the cache stays warm).
    var eviction: PageEviction?
    /// HTTP counters of each phase that made requests.
    var http: [Phase: HTTPCounters] = [:]
    /// Time waited for the system database's lock (busy handler and retries): not a cost of the
    /// variant, so phases leave it out and report it apart.
    var lockWaitNs: UInt64 = 0

    var paddingNs: UInt64 {
        (scanTiming.modelledNanoseconds - scanTiming.nativeNanoseconds)
            + (unitTiming.modelledNanoseconds - unitTiming.nativeNanoseconds)
    }
}

/// One invocation in progress: what its steps share, in one value instead of locals captured by closures.
final class InvocationState {
    let spec: InvocationSpec
    let variant: Variant
    let ledger: PaddingLedger
    let session: DiscoverySession
    let resolver: StateBackendResolver
    let database: SystemDatabase
    let store: StateStore
    let started: UInt64
    /// False once a step fails the invocation; later steps are skipped, teardown still runs.
    var succeeded = true
    /// Why the infrastructure failed the invocation, and what kind of fault that was.
    var failure: String?
    var failureCause: InfrastructureFailure?
    var errorPaths = 0
    /// Another run of the same job was RUNNING at start.
    var overlap = false
    var runRowID: Int64 = 0
    var heartbeat: Heartbeat?
    var beats = 0
    var stateWrites = 0
    var lockWaits = 0
    var lastWrite: LastStateWrite?

    init(
        spec: InvocationSpec, variant: Variant, ledger: PaddingLedger, session: DiscoverySession,
        resolver: StateBackendResolver,
        database: SystemDatabase, store: StateStore, started: UInt64
    ) {
        self.spec = spec
        self.variant = variant
        self.ledger = ledger
        self.session = session
        self.resolver = resolver
        self.database = database
        self.store = store
        self.started = started
    }
}

/// Runs one simulated `meltano run` in Meltano's order (docs/model.md, "What an invocation does") and emits its events.
///
/// Every step does its real work: discovery through a fresh `DiscoverySession` (so in-process
/// caches start empty), job bookkeeping and state in the shared SQLite system database, the
/// catalog written to a real file, pages read over HTTP from the loopback source API, STATE
/// messages written through the state backend.
public final class InvocationRunner {
    let batch: WorkerBatch
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
        guard let settings = batch.http?.client else {
            throw PipelineError("the job has no HTTP server for the http state backend")
        }
        let made = try RetryingClient(settings: settings)
        client = made
        return made
    }

    public init(batch: WorkerBatch, emit: @escaping (WorkerEvent) -> Void) {
        self.batch = batch
        self.padder = CostPadder(costs: batch.costProfile)
        self.emit = emit
    }

    /// The environment `variant` scans, made on first use.
    func environment(for variant: String) -> ScanEnvironment {
        let paths = batch.variantPathEntries[variant] ?? batch.pathEntries
        if let known = environments[paths] { return known }
        let made = ScanEnvironment(
            pathEntries: paths,
            pageCache: batch.cacheMode == .cold ? PageCache(pathEntries: paths) : nil)
        environments[paths] = made
        return made
    }

    /// The profile's cost of one scan as the scanner did it (docs/model.md, "The discovery scan's
    /// cost"). Units a profile lacks cost 0, so older profiles charge what they did. Cold (when the
    /// profile has cold units), a + b·N fitted over single folders of metadata folders stands for
    /// what such a folder costs; only what it cannot have seen is added: further path entries,
    /// other names listed, a process's first call.
    func scanMicros(_ scan: ScanResult, first: Bool) -> Double {
        let p = padder.costs
        func cost(_ unit: CostUnit, _ count: Int) -> Double { (p.microseconds(unit) ?? 0) * Double(max(0, count)) }
        let missing = scan.pathEntriesSearched - scan.pathEntriesListed
        let always = cost(.scanPerMissingPathEntry, missing) + cost(.scanFirstCall, first ? 1 : 0)
        if batch.cacheMode == .cold && p.microseconds(.scanColdPerDistribution) != nil {
            return cost(.scanColdFixed, 1) + cost(.scanColdPerDistribution, scan.distributionsFound) + always
                + cost(.scanPerPathEntry, scan.pathEntriesSearched - 1)
                + cost(.scanPerListedEntry, scan.entriesListed - scan.distributionsListed)
        }
        return cost(.scanFixed, 1) + cost(.scanPerDistribution, scan.distributionsFound) + always
            + cost(.scanPerPathEntry, scan.pathEntriesSearched) + cost(.scanPerListedEntry, scan.entriesListed)
            + cost(.scanPerListedDistribution, scan.distributionsListed)
            + cost(.scanPerEntryPoint, scan.entryPoints.count)
    }

    /// Runs `body` (system-database work, plus `jsonMessages` STATE messages' JSON) and pads it to
    /// the profile's cost of the statements it executed: counted from the connection, not assumed.
    /// Time waited for the database's lock goes to the ledger's `lockWaitNs`, not into the work.
    func padded<T>(_ database: SystemDatabase, jsonMessages: Int = 0, ledger: PaddingLedger, _ body: () throws -> T)
        rethrows -> T
    {
        let statements = database.connection.stats.statementsExecuted
        let waits = database.connection.stats.totalWaitNanoseconds
        // Also when `body` gives up on a lock: the wait is reported even though the work failed.
        defer { ledger.lockWaitNs += database.connection.stats.totalWaitNanoseconds - waits }
        let start = MonotonicClock.now()
        let result = try body()
        let end = MonotonicClock.now()
        let waited = min(database.connection.stats.totalWaitNanoseconds - waits, end - start)
        let executed = database.connection.stats.statementsExecuted - statements
        let micros =
            (padder.costs.microseconds(.sqliteStatement) ?? 0) * Double(executed)
            + (padder.costs.microseconds(.jsonState) ?? 0) * Double(jsonMessages)
        padder.pad(
            started: start + waited, nativeEnd: end, targetMicros: micros, units: executed,
            timing: &ledger.unitTiming)
        return result
    }

    /// A discovery session whose every scan is real, timed, and padded to the profile's cost.
    func makeSession(strategy: DiscoveryStrategy, variant: String, ledger: PaddingLedger) -> DiscoverySession {
        let scanEnvironment = environment(for: variant)
        let padder = self.padder
        let pageCache = scanEnvironment.pageCache
        // One session is one simulated `meltano` process: CPython's listing cache starts empty and
        // is reused by its later scans. A cold cache lists every scan, as `cache: cold` promises.
        let scanner = EntryPointScanner(
            pathEntries: scanEnvironment.pathEntries, listings: pageCache == nil ? ListingCache() : nil)
        // Part of the import, before any phase: the first scan then lists nothing, as in CPython.
        if batch.variants.first(where: { $0.name == variant })?.release.listsPathEntriesAtImport == true {
            scanner.prefetchListings()
        }
        return DiscoverySession(
            strategy: strategy, pathEntries: scanEnvironment.pathEntries,
            persistentCacheDirectory: URL(fileURLWithPath: batch.discoveryCacheDirectory)
        ) { [self] in
            if let pageCache {
                let dropStart = MonotonicClock.now()
                let eviction = pageCache.evict()
                ledger.eviction = (ledger.eviction ?? PageEviction()).adding(eviction)
                ledger.excludedNs += MonotonicClock.now() - dropStart
            }
            let start = MonotonicClock.now()
            let result = scanner.scan()
            let end = MonotonicClock.now()
            let micros = scanMicros(result, first: ledger.scans == 0)
            padder.pad(started: start, nativeEnd: end, targetMicros: micros, units: 1, timing: &ledger.scanTiming)
            ledger.scans += 1
            return result
        }
    }

    /// Times `body` as one phase: modelled = wall time (padding included), native = wall − padding.
    /// A phase of a pipeline invocation: sampled when it does fewer units than production.
    func phase(
        _ name: Phase, _ run: InvocationState, units: Int = 1, productionUnits: Int? = nil,
        _ body: () throws -> Void
    ) rethrows {
        try phase(name, spec: run.spec, ledger: run.ledger, units: units, productionUnits: productionUnits, body)
    }

    /// Times `body` as one phase of `spec`; the ledger says how much of it was padding and scans.
    func phase(
        _ name: Phase, spec: InvocationSpec, ledger: PaddingLedger, units: Int = 1, productionUnits: Int? = nil,
        _ body: () throws -> Void
    ) rethrows {
        let scans0 = ledger.scans
        let scanNs0 = ledger.scanTiming.modelledNanoseconds
        let pad0 = ledger.paddingNs
        let excluded0 = ledger.excludedNs
        let lockWait0 = ledger.lockWaitNs
        _ = client?.takeCounters()
        let start = MonotonicClock.now()
        try body()
        let lockWait = ledger.lockWaitNs - lockWait0
        let elapsed = MonotonicClock.now() - start
        let wall = elapsed - min(elapsed, (ledger.excludedNs - excluded0) + lockWait)
        if let counters = client?.takeCounters(), !counters.isEmpty {
            ledger.http[name, default: HTTPCounters()].add(counters)
        }
        let padding = ledger.paddingNs - pad0
        let production = productionUnits ?? units
        // A sampled phase may give a robust time for its sample (per-chunk median, see `SampleTimer`);
        // the native share keeps the measured ratio of padding to wall time.
        let modelled = ledger.robustSampleNs ?? wall
        ledger.robustSampleNs = nil
        let native = wall == 0 ? 0 : UInt64(Double(modelled) * Double(wall - min(wall, padding)) / Double(wall))
        var event = WorkerEvent(.phase, invocation: spec.index, variant: spec.variant)
        event.phase = PhaseRecord(
            phase: name, provenance: units < production ? .sampled : .measured, units: units,
            productionUnits: production, nativeNs: native, modelledNs: modelled,
            scans: ledger.scans - scans0, scanModelledNs: ledger.scanTiming.modelledNanoseconds - scanNs0)
        event.phase?.lockWaitNs = lockWait > 0 ? lockWait : nil
        emit(event)
    }

    /// Runs one invocation to its end, one step per phase in Meltano's order; simulated Meltano
    /// errors are outcomes, not throws.
    public func run(_ spec: InvocationSpec) throws {
        let run = try begin(spec)
        try phase(.settings, run) { resolveSettings(run) }
        try phase(.bookkeeping, run, units: 3) {
            try failingOnInfrastructure(.bookkeeping, run) { try recordRunStart(run) }
        }
        if run.succeeded { try phase(.stateLookup, run) { try lookUpState(run) } }
        if run.succeeded { try writeCatalog(run) }
        if run.succeeded, let http = batch.http, http.pages > 0 { try extract(run, http: http) }
        if run.succeeded && batch.stateMessages > 0 {
            // The target's state backend is created lazily, on the first STATE message.
            try phase(.targetStateInit, run) { run.succeeded = initialize(2, raisesTwice: false, run) }
        }
        if run.succeeded && batch.stateMessages > 0 { try writeState(run) }
        try phase(.teardown, run) { try failingOnInfrastructure(.teardown, run) { try endRun(run) } }
        finish(run)
    }

    /// Announces the invocation and opens what its steps share: discovery session, database, state store.
    func begin(_ spec: InvocationSpec) throws -> InvocationState {
        guard let variant = batch.variants.first(where: { $0.name == spec.variant }) else {
            throw PipelineError("invocation \(spec.index): unknown variant '\(spec.variant)'")
        }
        let start = MonotonicClock.now()
        var started = WorkerEvent(.invocationStarted, invocation: spec.index, variant: spec.variant)
        started.job = spec.job
        started.pid = getpid()
        emit(started)
        let ledger = PaddingLedger()
        let session = makeSession(strategy: variant.strategy, variant: variant.name, ledger: ledger)
        let database = try SystemDatabase(path: batch.databasePath, busyTimeoutSeconds: batch.busyTimeoutSeconds)
        return InvocationState(
            spec: spec, variant: variant, ledger: ledger, session: session,
            resolver: StateBackendResolver(profile: variant.release, session: session),
            database: database, store: try stateStore(spec: spec, database: database), started: start)
    }

    /// The state store the job's backend names.
    func stateStore(spec: InvocationSpec, database: SystemDatabase) throws -> StateStore {
        switch batch.stateBackend {
        case .file:
            return try FileStateStore(
                root: batch.stateRoot, lockTimeoutSeconds: batch.lockTimeoutSeconds, retryInterval: batch.lockRetrySeconds)
        case .http:
            let http = HTTPStateStore(
                client: try httpClient(), lockTimeoutSeconds: batch.lockTimeoutSeconds,
                retryInterval: batch.lockRetrySeconds)
            // Keyed by ordinal: the same write of every variant meets the same faults.
            http.keyPrefix = "state/o\(spec.ordinal)"
            return http
        case .systemdb:
            return database
        }
    }

    /// Step 1: project settings (3.7.0+ scans the `meltano.settings` group once per process).
    func resolveSettings(_ run: InvocationState) {
        guard run.variant.release.scansSettingsGroup else { return }
        let settings = run.session.newAddonObject()
        _ = run.session.lookup(group: "meltano.settings", name: "project", via: settings)
    }

    /// Step 2: job bookkeeping: stale runs, the running check, the `runs` row, the heartbeat.
    func recordRunStart(_ run: InvocationState) throws {
        let now = Date()
        let database = run.database
        let job = run.spec.job
        try padded(database, ledger: run.ledger) {
            _ = try database.markStaleRuns(heartbeatOlderThan: now.addingTimeInterval(-300), now: now)
            run.overlap = try database.runningCount(jobName: job) > 0
            run.runRowID = try database.insertRun(jobName: job, runID: UUID().uuidString, trigger: "simulate", now: now)
        }
        run.heartbeat = try Heartbeat(
            databasePath: self.batch.databasePath, busyTimeoutSeconds: self.batch.busyTimeoutSeconds,
            runRowID: run.runRowID, interval: self.batch.heartbeatIntervalSeconds)
    }

    /// Step 3: state-backend initialization #1 (with the profile's error path), then the tap's state `get`.
    func lookUpState(_ run: InvocationState) throws {
        run.succeeded = initialize(1, raisesTwice: run.variant.release.tapErrorRaisedTwice, run)
        guard run.succeeded else { return }
        try failingOnInfrastructure(.stateLookup, run) {
            _ = try padded(run.database, ledger: run.ledger) { try run.store.get(stateID: run.spec.stateID) }
        }
    }

    /// Step 4: the tap's catalog written to a real file, in the variant's write mode.
    func writeCatalog(_ run: InvocationState) throws {
        let sample = min(batch.catalogLines, batch.catalogSampleLines)
        // Made before the phase starts: the lines are the tap's output, arriving ready-made on a pipe,
        // so building them is not Meltano's cost (in Swift it would outweigh a buffered write).
        let catalog = CatalogLines(streams: 1 + run.spec.ordinal % 49)
        let lines = (0..<sample).map(catalog.line)
        try phase(.catalogWrite, run, units: sample, productionUnits: batch.catalogLines) {
            guard sample > 0 else { return }
            let path = batch.scratchDirectory + "/catalog-\(getpid())-\(run.spec.index).json"
            let mode = batch.catalogWrite ?? run.variant.release.catalogWrite
            let writer = try CatalogWriter(path: path, mode: mode)
            let unit: CostUnit = mode == .sync ? .catalogLineSync : .catalogLineThreadHop
            var timer = SampleTimer(units: sample)
            // Padded a chunk at a time: a line costs a microsecond or two, less than the padding's
            // own clock reads would overshoot by per line; the chunk's total is the same.
            for start in stride(from: 0, to: sample, by: timer.chunkSize) {
                let chunk = lines[start..<min(sample, start + timer.chunkSize)]
                timer.unitStarted(start)
                padder.run(unit, count: chunk.count, timing: &run.ledger.unitTiming) {
                    for line in chunk { writer.write(line) }
                }
            }
            let finishing = MonotonicClock.now()
            writer.finish()
            // Extrapolated 100s of times, a preempted stretch of the sample would become seconds.
            if sample < batch.catalogLines {
                run.ledger.robustSampleNs = timer.robustTotal(endedAt: finishing) + (MonotonicClock.now() - finishing)
            }
        }
    }

    /// Step 5: the tap's extraction: pages of its selected streams, read for real over HTTP.
    func extract(_ run: InvocationState, http: HTTPWork) throws {
        let sample = min(http.pages, http.samplePages)
        try phase(.extract, run, units: sample, productionUnits: http.pages) {
            let client = try httpClient()
            let streams = 1 + run.spec.ordinal % 49
            try failingOnInfrastructure(.extract, run) {
                for i in 0..<sample {
                    let path = "/api/stream-\(i % streams)/records?page=\(i / streams)"
                    let page = try client.send("GET", path, key: "api/o\(run.spec.ordinal)/p\(i)")
                    guard page.status == 200, page.headers["x-record-count"] != nil else {
                        throw HTTPCallFailed(cause: nil, attempts: 1, message: "GET \(path): HTTP \(page.status)")
                    }
                }
            }
        }
    }

    /// Step 7: every STATE message: the `runs.payload` UPDATE, then the state update.
    func writeState(_ run: InvocationState) throws {
        let sample = min(batch.stateMessages, batch.stateSampleMessages)
        let spec = run.spec
        try phase(.stateWrite, run, units: sample, productionUnits: batch.stateMessages) {
            try failingOnInfrastructure(.stateWrite, run) {
                for m in 0..<sample {
                    let state = Self.statePayload(job: spec.job, message: m)
                    // One STATE message: its JSON (decoded and re-encoded for the store) and its statements.
                    let receipt = try padded(run.database, jsonMessages: 1, ledger: run.ledger) {
                        try run.database.updateRunPayload(
                            runRowID: run.runRowID, payload: "{\"singer_state\":\(state)}", flags: 1)
                        return try run.store.set(stateID: spec.stateID, completed: state, partial: nil)
                    }
                    run.lockWaits += receipt.lockWaits
                    run.stateWrites += 1
                    if let document = receipt.storedDocument {
                        run.lastWrite = LastStateWrite(
                            stateID: spec.stateID, sequence: receipt.writeSequence, document: document)
                    }
                }
            }
        }
    }

    /// Step 8: the heartbeat stops and the `runs` row ends SUCCESS or FAIL.
    func endRun(_ run: InvocationState) throws {
        if let heartbeat = run.heartbeat {
            let stopped = heartbeat.stop()
            run.beats = stopped.beats
            // A beat waiting for the lock holds up the stop: that wait is not teardown's work.
            run.ledger.lockWaitNs += stopped.lockWaitNs
        }
        try padded(run.database, ledger: run.ledger) {
            try run.database.endRun(runRowID: run.runRowID, succeeded: run.succeeded, now: Date())
        }
    }

    /// Reports how the invocation ended and what it counted.
    func finish(_ run: InvocationState) {
        var finished = WorkerEvent(.invocationFinished, invocation: run.spec.index, variant: run.spec.variant)
        finished.job = run.spec.job
        var storage = StorageCounters()
        let stats = run.database.connection.stats
        storage.statements = stats.statementsExecuted
        storage.transactions = stats.transactions
        storage.busyWaits = stats.busyWaits
        storage.busyWaitNs = stats.busyWaitNanoseconds
        storage.retries = stats.retries
        storage.lockWaits = run.lockWaits
        let ledger = run.ledger
        finished.outcome = InvocationOutcome(
            succeeded: run.succeeded, discovery: run.session.counters, storage: storage,
            heartbeats: run.beats, jobOverlap: run.overlap, stateWrites: run.stateWrites,
            errorPaths: run.errorPaths, wallNs: MonotonicClock.now() - run.started,
            coldCache: ledger.eviction, http: ledger.http.isEmpty ? nil : ledger.http,
            failure: run.failure, lastStateWrite: run.lastWrite)
        finished.outcome?.failureCause = run.failureCause
        emit(finished)
    }

    /// An infrastructure fault fails the invocation, recorded as its outcome (counted failed,
    /// never lost): an HTTP call that gave up (as the tap or the state backend would raise), or
    /// the system database locked past `busy_timeout_seconds`. Anything else still throws.
    func failingOnInfrastructure(_ phase: Phase, _ run: InvocationState, _ body: () throws -> Void) throws {
        do { try body() } catch let error as HTTPCallFailed {
            fail(run, .http, "\(phase.rawValue): \(error)")
        } catch let error as StorageError where error.kind == .busyTimeout {
            fail(
                run, .databaseLocked,
                "\(phase.rawValue): the system database stayed locked by another connection for more than "
                    + "\(batch.busyTimeoutSeconds) s (busy_timeout_seconds)")
        }
    }

    /// Records the first infrastructure fault of the invocation; later steps are skipped.
    private func fail(_ run: InvocationState, _ cause: InfrastructureFailure, _ message: String) {
        run.succeeded = false
        guard run.failure == nil else { return }
        run.failure = message
        run.failureCause = cause
    }

    /// One initialization with the profile's error path; false when the invocation must fail.
    func initialize(_ number: Int, raisesTwice: Bool, _ run: InvocationState) -> Bool {
        let planned = run.spec.errorAtInit.indices.contains(number - 1) && run.spec.errorAtInit[number - 1]
        let scheme = planned ? StateBackendResolver.misconfiguredScheme : batch.backendScheme
        switch run.resolver.initialize(scheme: scheme, initialization: number, raisesTwice: raisesTwice) {
        case .resolved:
            return true
        case .failed(let record):
            run.errorPaths += 1
            var event = WorkerEvent(.errorPath, invocation: run.spec.index, variant: run.spec.variant)
            event.errorPath = record
            emit(event)
            guard batch.retryOnError else { return false }
            // The operator fixes the URI and the run goes on: a fresh manager, the right scheme.
            if case .resolved = run.resolver.initialize(
                scheme: batch.backendScheme, initialization: number, raisesTwice: raisesTwice)
            {
                return true
            }
            return false
        }
    }

    /// A Singer STATE value that advances with each message.
    static func statePayload(job: String, message: Int) -> String {
        "{\"bookmarks\":{\"\(job)\":{\"replication_key\":\"updated_at\",\"replication_key_value\":\"2026-01-08T00:\(String(format: "%02d", message / 60 % 60)):\(String(format: "%02d", message % 60))Z\",\"message\":\(message)}}}"
    }
}
