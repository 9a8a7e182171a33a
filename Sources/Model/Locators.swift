/// Where a worker finds the system database. A worker may one day run on another node, so the
/// batch names the database, it does not hand over an open connection or assume this machine.
public enum SystemDatabaseLocator: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file on a file system the worker shares with the coordinator.
    case sqlite(path: String)

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}

/// Where a worker reaches the run's HTTP server (the source API and the object store).
public struct HTTPServerLocator: Codable, Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The coordinator's own loopback server: what every run uses today.
    public static func loopback(port: Int) -> HTTPServerLocator {
        HTTPServerLocator(host: "127.0.0.1", port: port)
    }

    /// `http://host:port`, without a trailing slash (an IPv6 address in brackets).
    public var baseURL: String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    public var description: String { baseURL }
}
