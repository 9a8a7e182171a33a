import HTTP
import Model
import Storage

/// Makes the state store the job's backend names, for one invocation.
struct StateStoreFactory {
    let state: StateWork
    let clients: HTTPClientProvider

    /// The store of `spec`'s invocation; the `systemdb` backend is its system-database connection.
    func store(for spec: InvocationSpec, database: any SystemDatabaseStore) throws -> StateStore {
        switch state.backend {
        case .file:
            return try FileStateStore(
                root: state.root, lockTimeoutSeconds: state.lockTimeoutSeconds, retryInterval: state.lockRetrySeconds)
        case .http:
            let http = HTTPStateStore(
                client: try clients.client(), lockTimeoutSeconds: state.lockTimeoutSeconds,
                retryInterval: state.lockRetrySeconds)
            // Keyed by ordinal: the same write of every variant meets the same faults.
            http.keyPrefix = "state/o\(spec.ordinal)"
            return http
        case .systemdb:
            return database
        }
    }
}
