import Foundation
import HTTP
import Model
import Scenario

/// Turns the scenario's `http.*` knobs into the HTTP room's server settings (the client's are `HTTPWork(server:knobs:)`).
extension HTTPKnobs {
    /// Whether a pipeline run needs the loopback server: it reads pages, or keeps state over HTTP.
    static func needsServer(_ scenario: Scenario) -> Bool {
        scenario.workload == .pipeline && (scenario.http.pages > 0 || scenario.stateBackend == .http)
    }

    /// Where workers reach the run's server: `http.advertise_address`, else the bind address, else
    /// (a wildcard bind, for workers on other nodes) this host's name.
    static func locator(of server: LoopbackServer, scenario: Scenario) -> HTTPServerLocator {
        let advertised = scenario[\.http.advertiseAddress]
        let bound = scenario[\.http.bindAddress]
        let host =
            !advertised.isEmpty
            ? advertised : LoopbackServer.isWildcard(bound) ? ProcessInfo.processInfo.hostName : bound
        return HTTPServerLocator(host: host, port: server.port)
    }

    var source: SourceAPIConfig {
        SourceAPIConfig(pages: pages, pageRecords: pageRecords, recordBytes: recordBytes)
    }

    /// Seeded by the scenario's seed; a stalled answer is held for twice the client's timeout.
    func faultPlan(seed: UInt64) -> FaultPlan {
        func spec(_ e: Endpoint) -> FaultSpec {
            FaultSpec(
                errorRate: e.errorRate, stallRate: e.stallRate, dropRate: e.dropRate,
                latencyMilliseconds: e.latencyMilliseconds,
                jitterMilliseconds: e.jitterMilliseconds, jitter: e.jitter)
        }
        return FaultPlan(
            seed: seed, api: spec(api), state: spec(state), stallMilliseconds: 2 * Double(timeoutMilliseconds))
    }
}

extension HTTPServerSummary {
    /// What the run's loopback server counted and how it stopped.
    init(stats: [Endpoint: EndpointStats], stop: StopReport) {
        let endpoints = Endpoint.allCases.map { e in
            let s = stats[e] ?? EndpointStats()
            return EndpointCounts(
                endpoint: e.rawValue, requests: s.requests, serverErrors: s.serverErrors, stalls: s.stalls,
                drops: s.drops, bytesSent: s.bytesSent)
        }
        self.init(
            port: stop.port, endpoints: endpoints, stoppedGracefully: stop.graceful, portClosedAfterRun: stop.portClosed
        )
    }
}
