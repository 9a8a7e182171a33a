import Model

/// Times a phase and emits its event: modelled = wall time (padding included), native = wall − padding.
struct PhaseTimer {
    /// Its counters are taken per phase.
    let clients: HTTPClientProvider
    let emit: (WorkerEvent) -> Void

    /// Times `body` as one phase of `spec`; the ledger says how much of it was padding and scans.
    /// A phase is sampled when it does fewer units than production.
    func phase(
        _ name: Phase, spec: InvocationSpec, ledger: PaddingLedger, units: Int = 1, productionUnits: Int? = nil,
        _ body: () throws -> Void
    ) rethrows {
        let scans0 = ledger.scans
        let scanNs0 = ledger.scanTiming.modelledNanoseconds
        let pad0 = ledger.paddingNs
        let excluded0 = ledger.excludedNs
        let lockWait0 = ledger.lockWaitNs
        _ = clients.existing?.takeCounters()
        let start = MonotonicClock.now()
        try body()
        let lockWait = ledger.lockWaitNs - lockWait0
        let elapsed = MonotonicClock.now() - start
        let wall = elapsed - min(elapsed, (ledger.excludedNs - excluded0) + lockWait)
        if let counters = clients.existing?.takeCounters(), !counters.isEmpty {
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
}
