import Model

/// After the last phase: reports how the invocation ended and what it counted.
struct FinishStep {
    let emit: (WorkerEvent) -> Void

    func report(_ run: InvocationState) {
        var finished = WorkerEvent(.invocationFinished, invocation: run.spec.index, variant: run.spec.variant)
        finished.job = run.spec.job
        var storage = StorageCounters()
        let stats = run.database.stats
        storage.statements = stats.statementsExecuted
        storage.transactions = stats.transactions
        storage.busyWaits = stats.busyWaits
        storage.busyWaitNs = stats.busyWaitNanoseconds
        storage.retries = stats.retries
        storage.connectionErrors = stats.connectionErrors > 0 ? stats.connectionErrors : nil
        storage.lockWaits = run.lockWaits
        storage.latency = stats.latency.isEmpty ? nil : stats.latency
        let ledger = run.ledger
        finished.outcome = InvocationOutcome(
            succeeded: run.succeeded, discovery: run.session.counters, storage: storage,
            heartbeats: run.beats, jobOverlap: run.overlap, stateWrites: run.stateWrites,
            errorPaths: run.errorPaths, wallNs: MonotonicClock.now() - run.started,
            coldCache: ledger.eviction, http: ledger.http.isEmpty ? nil : ledger.http,
            failure: run.failure, lastStateWrite: run.lastWrite)
        finished.outcome?.failureCause = run.failureCause
        finished.outcome?.cpuNs = MonotonicClock.processCPU() - run.cpuStarted
        finished.monotonicNs = MonotonicClock.now()
        emit(finished)
    }
}
