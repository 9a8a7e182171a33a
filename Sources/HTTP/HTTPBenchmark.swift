import Foundation
import Model

/// Throughput of the libcurl client against the loopback server: N sequential GETs with one
/// reused handle (keep-alive), then N with a new handle (a new connection) per request.
public enum HTTPBenchmark {
    /// One way of sending the requests, and what each took.
    public struct Series: Sendable {
        public var mode: String
        public var seconds: Double
        public var latencyMicroseconds: [UInt32]
        /// Connections curl opened over the series.
        public var connections: Int

        public var requestsPerSecond: Double { Double(latencyMicroseconds.count) / max(seconds, 1e-9) }
    }

    /// Runs both series against a fresh server (no faults, no added latency) and stops it.
    /// - Parameters:
    ///   - requests: GETs per series (bounded: at most 1,000,000).
    ///   - pageRecords, recordBytes: the page each GET fetches.
    public static func run(requests: Int, pageRecords: Int, recordBytes: Int) throws -> (
        series: [Series], stop: StopReport
    ) {
        let count = min(max(requests, 1), 1_000_000)
        let server = try LoopbackServer.start(
            source: SourceAPIConfig(pages: 1, pageRecords: pageRecords, recordBytes: recordBytes),
            faults: FaultPlan(seed: 0, stallMilliseconds: 0))
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/api/bench/records?page=0"
        let timeouts = CurlTimeouts(connectMilliseconds: 1000, totalMilliseconds: 5000)
        var series: [Series] = []
        for reuse in [true, false] {
            var shared = reuse ? try CurlHandle(timeouts: timeouts) : nil
            var latencies: [UInt32] = []
            latencies.reserveCapacity(count)
            var connections = 0
            // Warm-up: the first connection and curl's first-use costs are not what is measured.
            _ = try (shared ?? CurlHandle(timeouts: timeouts)).perform(method: "GET", url: url)
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let handle = try shared ?? CurlHandle(timeouts: timeouts)
                let response = try handle.perform(method: "GET", url: url)
                guard response.status == 200 else { throw ServerError("benchmark GET answered \(response.status)") }
                connections += handle.connectionsOpenedByLastRequest
                latencies.append(UInt32(min((DispatchTime.now().uptimeNanoseconds - t0) / 1000, UInt64(UInt32.max))))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            shared = nil
            series.append(
                Series(
                    mode: reuse ? "reused handle (keep-alive)" : "new handle per request",
                    seconds: seconds, latencyMicroseconds: latencies, connections: connections))
        }
        return (series, server.stop())
    }
}
