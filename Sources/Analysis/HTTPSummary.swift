import HTTP
import Pipeline

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

    /// Sums the counters of every invocation's phase, merging per-worker latency histograms.
    static func build(phase: Phase, perWorker: [(worker: Int, counters: HTTPCounters)]) -> HTTPPhaseSummary {
        var total = HTTPCounters()
        var histograms: [Int: PhaseDistribution] = [:]
        for (worker, counters) in perWorker {
            var latencies = counters
            latencies.latencyMicroseconds = []
            total.add(latencies)
            for micros in counters.latencyMicroseconds {
                histograms[worker, default: PhaseDistribution()].record(nanoseconds: Double(micros) * 1000)
            }
        }
        let merged = histograms.values.reduce(into: PhaseDistribution()) { $0.merge($1) }
        return HTTPPhaseSummary(
            phase: phase, calls: total.calls, requests: total.requests, retries: total.retries,
            failures: total.failures, latencyMs: merged.summary, bytesSent: total.bytesSent,
            bytesReceived: total.bytesReceived, backoffMs: Double(total.backoffMicroseconds) / 1000,
            connectionsOpened: total.connectionsOpened)
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
    }

    public var port: Int
    public var endpoints: [EndpointCounts]
    /// The server stopped within its grace period, without cancellation.
    public var stoppedGracefully: Bool
    /// Nothing accepted a connection on `port` after the stop.
    public var portClosedAfterRun: Bool

    public init(stats: [Endpoint: EndpointStats], stop: StopReport) {
        port = stop.port
        endpoints = Endpoint.allCases.map { e in
            let s = stats[e] ?? EndpointStats()
            return EndpointCounts(
                endpoint: e.rawValue, requests: s.requests, serverErrors: s.serverErrors, stalls: s.stalls,
                drops: s.drops, bytesSent: s.bytesSent)
        }
        stoppedGracefully = stop.graceful
        portClosedAfterRun = stop.portClosed
    }
}
