import Model
import Storage

/// Opens connections to the system database the batch's locator names: one per invocation and one
/// per heartbeat, as Meltano's process and its heartbeat task each have their own.
public struct SystemDatabaseConnector: Sendable {
    private let open: @Sendable () throws -> any SystemDatabaseStore

    /// Connections made by `open` (an in-memory database's `connect`, in tests).
    public init(_ open: @escaping @Sendable () throws -> any SystemDatabaseStore) {
        self.open = open
    }

    /// Connections to what `locator` names, whose statements wait at most `busyTimeoutSeconds` for a lock.
    public init(locator: SystemDatabaseLocator, busyTimeoutSeconds: Double) {
        switch locator {
        case .sqlite(let path):
            self.init { try SystemDatabase(path: path, busyTimeoutSeconds: busyTimeoutSeconds) }
        case .postgres(let url):
            self.init {
                try PostgresSystemDatabase(url: url, busyTimeoutSeconds: busyTimeoutSeconds, connectLater: true)
            }
        }
    }

    /// A new connection.
    public func connect() throws -> any SystemDatabaseStore { try open() }
}
