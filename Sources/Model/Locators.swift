import Foundation

/// Where a worker finds the system database. A worker may one day run on another node, so the
/// batch names the database, it does not hand over an open connection or assume this machine.
public enum SystemDatabaseLocator: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file on a file system the worker shares with the coordinator.
    case sqlite(path: String)
    /// A PostgreSQL server, as a libpq URL (`postgresql://user@host:port/db?...`); every worker
    /// connects to it itself.
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.withoutPassword(url)
        }
    }

    /// Which engine: `sqlite` or `postgres`.
    public var engine: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    /// True for the `systemdb` scenario key's values this tool accepts as a PostgreSQL server.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// What is wrong with a `systemdb` value (`sqlite`, or a `postgresql://` / `postgres://` URL), or nil.
    public static func problem(systemdb text: String) -> String? {
        if text == "sqlite" { return nil }
        guard isPostgresURL(text) else {
            return "expected 'sqlite' or a postgresql:// URL (postgres:// too), got '\(withoutPassword(text))'"
        }
        guard let parts = URLComponents(string: text), parts.scheme != nil else {
            return "'\(withoutPassword(text))' is not a valid URL"
        }
        if let query = parts.queryItems, query.contains(where: { $0.name == "options" }) {
            return "the URL's options parameter is the run's own (it sets search_path); remove it"
        }
        return nil
    }

    /// `url` with its password shown as `***`, for reports and messages.
    public static func withoutPassword(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
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

    /// What is wrong with an `http.bind_address` value (an IPv4 or IPv6 address), or nil.
    public static func problem(bindAddress text: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 { return nil }
        return "'\(text)' is not an IP address to listen on (127.0.0.1, 0.0.0.0 for every interface, or ::)"
    }

    /// What is wrong with an `http.advertise_address` value (a host name or address workers can
    /// put in a URL), or nil. Empty means the default.
    public static func problem(advertiseAddress text: String) -> String? {
        let allowed = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || ".-:_".unicodeScalars.contains($0)
        }
        return allowed ? nil : "'\(text)' is not a host name or address (letters, digits, '.', '-', ':', '_')"
    }

    /// `http://host:port`, without a trailing slash (an IPv6 address in brackets).
    public var baseURL: String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    public var description: String { baseURL }
}
