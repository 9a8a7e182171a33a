import Foundation
import Model

/// Before the first phase: announces the invocation and opens what its steps share (discovery
/// session, system-database connection, state store).
struct StartStep {
    let variants: [Variant]
    let sessions: DiscoverySessionFactory
    let database: SystemDatabaseConnector
    let stateStores: StateStoreFactory
    let emit: (WorkerEvent) -> Void

    func open(_ spec: InvocationSpec) throws -> InvocationState {
        guard let variant = variants.first(where: { $0.name == spec.variant }) else {
            throw PipelineError("invocation \(spec.index): unknown variant '\(spec.variant)'")
        }
        let start = MonotonicClock.now()
        let cpuStart = MonotonicClock.processCPU()
        var started = WorkerEvent(.invocationStarted, invocation: spec.index, variant: spec.variant)
        started.job = spec.job
        started.pid = getpid()
        started.monotonicNs = start
        emit(started)
        let ledger = PaddingLedger()
        let session = sessions.makeSession(for: variant, ledger: ledger)
        let connection = try database.connect()
        return InvocationState(
            spec: spec, variant: variant, ledger: ledger, session: session,
            resolver: StateBackendResolver(profile: variant.release, session: session),
            database: connection, store: try stateStores.store(for: spec, database: connection), started: start,
            cpuStarted: cpuStart)
    }
}
