import Foundation

/// HTTP work of one phase of one variant, over its invocations (client side).
public struct HTTPPhaseSummary: Codable, Sendable {
    public var phase: Phase
    /// Calls made, and attempts sent (calls + retries).
    public var calls: Int
    public var requests: Int
    public var retries: CauseCounts
    /// Calls that gave up, by the last attempt's cause.
    public var failures: CauseCounts
    /// Every attempt's latency (answered or not), milliseconds, from merged HDR histograms.
    public var latencyMs: DistributionSummary
    public var bytesSent: Int
    public var bytesReceived: Int
    public var backoffMs: Double
    /// Connections opened; the other requests reused a kept-alive connection.
    public var connectionsOpened: Int

    public init(
        phase: Phase, calls: Int, requests: Int, retries: CauseCounts, failures: CauseCounts,
        latencyMs: DistributionSummary, bytesSent: Int, bytesReceived: Int, backoffMs: Double, connectionsOpened: Int
    ) {
        self.phase = phase
        self.calls = calls
        self.requests = requests
        self.retries = retries
        self.failures = failures
        self.latencyMs = latencyMs
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.backoffMs = backoffMs
        self.connectionsOpened = connectionsOpened
    }
}

/// The loopback server of a run: where it listened, what it injected, and how it stopped.
public struct HTTPServerSummary: Codable, Sendable {
    /// Requests and injected faults per endpoint family (`api`, `state`).
    public struct EndpointCounts: Codable, Sendable {
        public var endpoint: String
        public var requests: Int
        public var serverErrors: Int
        public var stalls: Int
        public var drops: Int
        public var bytesSent: Int

        public init(endpoint: String, requests: Int, serverErrors: Int, stalls: Int, drops: Int, bytesSent: Int) {
            self.endpoint = endpoint
            self.requests = requests
            self.serverErrors = serverErrors
            self.stalls = stalls
            self.drops = drops
            self.bytesSent = bytesSent
        }
    }

    public var port: Int
    public var endpoints: [EndpointCounts]
    /// The server stopped within its grace period, without cancellation.
    public var stoppedGracefully: Bool
    /// Nothing accepted a connection on `port` after the stop.
    public var portClosedAfterRun: Bool

    public init(port: Int, endpoints: [EndpointCounts], stoppedGracefully: Bool, portClosedAfterRun: Bool) {
        self.port = port
        self.endpoints = endpoints
        self.stoppedGracefully = stoppedGracefully
        self.portClosedAfterRun = portClosedAfterRun
    }
}
