import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// What the server counted per endpoint family: requests and the faults it injected.
public struct EndpointStats: Codable, Sendable, Equatable {
    public var requests = 0
    public var serverErrors = 0
    public var stalls = 0
    public var drops = 0
    /// Body bytes of the answers it wrote (stalled ones included).
    public var bytesSent = 0
    public init() {}
}

/// How a stop went: whether the server ended by itself and whether its port is free again.
public struct StopReport: Codable, Sendable, Equatable {
    public var port: Int
    /// The server's service group returned within the grace period (no cancellation needed).
    public var graceful: Bool
    /// Nothing accepted a connection on the port after the stop.
    public var portClosed: Bool
}

/// The loopback HTTP server a run starts for its workers: the tap's source API and an object
/// store for state (see `ServerRoutes.swift`), with seeded fault injection. Hummingbird 2 on
/// SwiftNIO, bound to 127.0.0.1 on an ephemeral port.
///
/// Synchronous start and stop, because the coordinator is synchronous: the server runs in its
/// own task; `start` waits until it listens, `stop` triggers a graceful shutdown, waits for it
/// and checks that the port no longer accepts connections. The server's tasks (Hummingbird's and
/// ServiceLifecycle's) run on Swift's cooperative pool, which has one thread per core: call
/// `start`, `stop` and blocking clients from threads outside it (the coordinator's main thread,
/// XCTest's), or a few blocked callers can starve the server they wait for.
public final class LoopbackServer: @unchecked Sendable {
    public let routes: ServerRoutes
    /// The object store behind `/state/...`, readable in-process for the integrity check.
    public var store: ObjectStore { routes.store }
    public private(set) var port = 0
    /// The address it listens on (`http.bind_address`).
    public private(set) var host = "127.0.0.1"

    private let lock = NSLock()
    private var group: ServiceGroup?
    private var task: Task<Void, Never>?
    private var stopReport: StopReport?
    private let finished = DispatchSemaphore(value: 0)
    private var runError: (any Error)?

    private init(routes: ServerRoutes) {
        self.routes = routes
    }

    /// Starts a server and returns once it accepts connections (or throws within `timeout`).
    /// - Parameter host: the address it listens on: loopback unless workers on other nodes need it.
    public static func start(
        source: SourceAPIConfig, faults: FaultPlan, host: String = "127.0.0.1", timeout: Double = 30
    ) throws -> LoopbackServer {
        let server = LoopbackServer(routes: ServerRoutes(source: source, faults: faults))
        server.host = host
        try server.run(timeout: timeout)
        return server
    }

    /// Whether `host` is a wildcard bind (every interface), which no worker can connect to by name.
    public static func isWildcard(_ host: String) -> Bool { ["0.0.0.0", "::", "[::]", ""].contains(host) }

    private func run(timeout: Double) throws {
        var logger = Logger(label: "simulate.loopback-server")
        // The coordinator's stdout is the headline and the report path: the server must say nothing
        // (SIMULATE_SERVER_LOG_LEVEL=debug, for instance, makes it talk, for debugging).
        logger.logLevel =
            ProcessInfo.processInfo.environment["SIMULATE_SERVER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .critical
        let listening = DispatchSemaphore(value: 0)
        let routes = self.routes
        let app = Application(
            responder: CallbackResponder<LoopbackContext> { request, context in
                try await routes.respond(to: request, context: context)
            },
            configuration: .init(address: .hostname(host, port: 0)),
            onServerRunning: { [weak self] channel in
                self?.lock.withLock { self?.port = channel.localAddress?.port ?? 0 }
                listening.signal()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task.detached { [self] in
            do { try await group.run() } catch { lock.withLock { runError = error } }
            listening.signal()  // a failed start must not leave `start` waiting
            finished.signal()
        }
        lock.withLock {
            self.group = group
            self.task = task
        }
        let ready = listening.wait(timeout: .now() + timeout) == .success
        let (port, error) = lock.withLock { (self.port, runError) }
        guard ready, port > 0, error == nil else {
            _ = stop()
            throw ServerError(
                "loopback server did not start within \(timeout) s: \(error.map { "\($0)" } ?? "no port")")
        }
    }

    /// Stops the server (idempotent) and reports whether the port is closed again. Stalled
    /// answers still being held are released at once.
    @discardableResult
    public func stop(grace: Double = 10) -> StopReport {
        if let report = lock.withLock({ stopReport }) { return report }
        routes.beginStopping()
        guard let group = lock.withLock({ self.group }), let task = lock.withLock({ self.task }) else {
            return StopReport(
                port: port, graceful: true, portClosed: !Self.isListening(port: port, host: Self.probeAddress(host)))
        }
        Task.detached { await group.triggerGracefulShutdown() }
        let graceful = finished.wait(timeout: .now() + grace) == .success
        if !graceful {
            // Still running: cancel the group, which cancels its services; the listener closes with it.
            task.cancel()
            _ = finished.wait(timeout: .now() + grace)
        }
        let report = StopReport(
            port: port, graceful: graceful, portClosed: !Self.isListening(port: port, host: Self.probeAddress(host)))
        lock.withLock { stopReport = report }
        return report
    }

    /// What the server counted per endpoint family so far.
    public var stats: [Endpoint: EndpointStats] { routes.stats }

    /// The IPv4 address a stop check connects to for a server bound to `host`: the address itself
    /// when it is one, else loopback (a wildcard bind listens there too).
    static func probeAddress(_ host: String) -> String {
        var address = in_addr()
        return !isWildcard(host) && inet_pton(AF_INET, host, &address) == 1 ? host : "127.0.0.1"
    }

    /// True when something on `host` (an IPv4 address) accepts a TCP connection on `port`.
    public static func isListening(port: Int, host: String = "127.0.0.1") -> Bool {
        guard port > 0 else { return false }
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

/// A server that could not start.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
