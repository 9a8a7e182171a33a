import Model

/// What the steps of one worker's invocations use, made once per worker: the cost padder, the
/// discovery sessions (with the scan costing), the system-database connector, the state stores,
/// the HTTP client and the phase timer. Each step is handed the few of these it needs.
public final class InvocationServices {
    let batch: WorkerBatch
    let padder: CostPadder
    let sessions: DiscoverySessionFactory
    let database: SystemDatabaseConnector
    let clients: HTTPClientProvider
    let stateStores: StateStoreFactory
    let timer: PhaseTimer
    let emit: (WorkerEvent) -> Void

    /// The services for `batch`; `database` defaults to connections to what the batch's locator names.
    public init(batch: WorkerBatch, database: SystemDatabaseConnector? = nil, emit: @escaping (WorkerEvent) -> Void) {
        self.batch = batch
        self.padder = CostPadder(costs: batch.costProfile)
        self.sessions = DiscoverySessionFactory(discovery: batch.discovery, padder: padder)
        self.database =
            database
            ?? SystemDatabaseConnector(
                locator: batch.systemDatabase.locator, busyTimeoutSeconds: batch.systemDatabase.busyTimeoutSeconds)
        self.clients = HTTPClientProvider(settings: batch.http?.client)
        self.stateStores = StateStoreFactory(state: batch.state, clients: clients)
        self.timer = PhaseTimer(clients: clients, emit: emit)
        self.emit = emit
    }
}
