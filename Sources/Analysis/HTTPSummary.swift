extension HTTPPhaseSummary {
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
