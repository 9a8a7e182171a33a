import Discovery
import Foundation
import Model

/// The benchmark note's three micro-benchmarks, in one fresh process per invocation:
/// module import (the add-on object created at import), `backends()` called N times, and N
/// state-backend creations for the configured `systemdb` URI.
public struct MicrobenchRunner {
    let services: InvocationServices

    public init(batch: WorkerBatch, emit: @escaping (WorkerEvent) -> Void) {
        services = InvocationServices(batch: batch, emit: emit)
    }

    public func run(_ spec: InvocationSpec) throws {
        let counts = services.batch.microbench
        guard let variant = services.batch.variant(named: spec.variant) else {
            throw PipelineError("invocation \(spec.index): unknown variant '\(spec.variant)'")
        }
        var started = WorkerEvent(.invocationStarted, invocation: spec.index, variant: spec.variant)
        started.pid = getpid()
        services.emit(started)
        let start = MonotonicClock.now()
        let ledger = PaddingLedger()
        let session = services.sessions.makeSession(for: variant, ledger: ledger)
        let resolver = StateBackendResolver(profile: variant.release, session: session)
        var addon: AddonObjectID?
        let group = StateBackendResolver.group
        let measure = { (name: Phase, units: Int, body: () -> Void) in
            services.timer.phase(name, spec: spec, ledger: ledger, units: units, body)
        }
        measure(.import, 1) {
            // 3.7.x creates the class-level add-on at import; its cached property stays empty.
            if variant.release.scansSettingsGroup { addon = session.newAddonObject() }
        }
        measure(.backends, counts.backendsCalls) {
            guard let addon else { return }  // 3.6.0: the enum's members, nothing to discover
            for _ in 0..<counts.backendsCalls { _ = session.backends(group: group, via: addon) }
        }
        measure(.creations, counts.creations) {
            for i in 0..<counts.creations {
                _ = resolver.initialize(scheme: "systemdb", initialization: i + 1, raisesTwice: false)
            }
        }
        var finished = WorkerEvent(.invocationFinished, invocation: spec.index, variant: spec.variant)
        finished.outcome = InvocationOutcome(
            succeeded: true, discovery: session.counters, storage: StorageCounters(), heartbeats: 0,
            jobOverlap: false, stateWrites: 0, errorPaths: 0, wallNs: MonotonicClock.now() - start,
            coldCache: ledger.eviction)
        services.emit(finished)
    }
}
