import Analysis
import ArgumentParser
import Foundation
import HTTP

/// `simulate bench-http`: throughput of the libcurl client against the loopback server.
struct BenchHTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-http",
        abstract: "Sequential GETs against the loopback server: a reused curl handle vs a new handle per request.",
        shouldDisplay: false
    )

    // Counts read by the number grammar (`CountFlag`); `.unconditional` so that `-5` reaches the check.
    @Option(parsing: .unconditional, help: "GETs per series (1 to 1,000,000).") var requests = CountFlag(2000)
    @Option(
        name: .customLong("page-records"), parsing: .unconditional,
        help: "Records per page fetched (as the scenario's http.page_records).")
    var pageRecords = CountFlag(1)
    @Option(
        name: .customLong("record-bytes"), parsing: .unconditional,
        help: "Bytes per record (as the scenario's http.record_bytes).")
    var recordBytes = CountFlag(64)

    func run() throws {
        let requests = try self.requests.value("--requests", in: 1...1_000_000)
        let pageRecords = try self.pageRecords.value("--page-records", as: \.http.pageRecords)
        let recordBytes = try self.recordBytes.value("--record-bytes", as: \.http.recordBytes)
        let result: (series: [HTTPBenchmark.Series], stop: StopReport)
        do {
            result = try HTTPBenchmark.run(requests: requests, pageRecords: pageRecords, recordBytes: recordBytes)
        } catch {
            throw SimulateExit.failure("bench-http: \(error)")
        }
        print("| client | requests | req/s | p50 µs | p99 µs | connections |")
        print("|---|---:|---:|---:|---:|---:|")
        for s in result.series {
            var distribution = PhaseDistribution()
            for micros in s.latencyMicroseconds { distribution.record(nanoseconds: Double(micros) * 1000) }
            let d = distribution.summary
            print(
                String(
                    format: "| %@ | %d | %.0f | %.0f | %.0f | %d |", s.mode, s.latencyMicroseconds.count,
                    s.requestsPerSecond,
                    d.median * 1000, d.p99 * 1000, s.connections))
        }
        print("Server on 127.0.0.1:\(result.stop.port) stopped; port closed: \(result.stop.portClosed ? "yes" : "no").")
    }
}
