import Discovery
import Foundation
import Model
import Storage

/// One invocation in progress: what its steps share, in one value instead of locals captured by closures.
final class InvocationState {
    let spec: InvocationSpec
    let variant: Variant
    let ledger: PaddingLedger
    let session: DiscoverySession
    let resolver: StateBackendResolver
    let database: any SystemDatabaseStore
    let store: StateStore
    let started: UInt64
    /// The process's CPU time (`MonotonicClock.processCPU()`) when the invocation started.
    let cpuStarted: UInt64
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
        resolver: StateBackendResolver, database: any SystemDatabaseStore, store: StateStore, started: UInt64,
        cpuStarted: UInt64 = 0
    ) {
        self.cpuStarted = cpuStarted
        self.spec = spec
        self.variant = variant
        self.ledger = ledger
        self.session = session
        self.resolver = resolver
        self.database = database
        self.store = store
        self.started = started
    }

    /// Records the first infrastructure fault of the invocation; later steps are skipped.
    func fail(_ cause: InfrastructureFailure, _ message: String) {
        succeeded = false
        guard failure == nil else { return }
        failure = message
        failureCause = cause
    }
}
