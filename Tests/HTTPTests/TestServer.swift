import Foundation
import Model

@testable import HTTP

// Tests that start a server are XCTest cases: XCTest runs them one at a time on the main
// thread, so Swift's cooperative pool (one thread per core), where the server's tasks run, stays
// free. Blocking Swift Testing tests run on that pool and, two at once, would starve the server.

/// A loopback server for one test, with the given faults; `defer { server.stop() }` in every test.
func startServer(
    api: FaultSpec = .none, state: FaultSpec = .none, stallMilliseconds: Double = 400, pages: Int = 5,
    seed: UInt64 = 1
) throws -> LoopbackServer {
    try LoopbackServer.start(
        source: SourceAPIConfig(pages: pages, pageRecords: 3, recordBytes: 100),
        faults: FaultPlan(seed: seed, api: api, state: state, stallMilliseconds: stallMilliseconds))
}

/// Client settings for `server`: short timeouts so that stalls cost little test time.
func settings(_ server: LoopbackServer, timeoutMilliseconds: Int = 200, maxRetries: Int = 3) -> ClientSettings {
    ClientSettings(
        baseURL: "http://127.0.0.1:\(server.port)",
        timeouts: CurlTimeouts(connectMilliseconds: 500, totalMilliseconds: timeoutMilliseconds),
        retry: RetryPolicy(maxRetries: maxRetries, baseDelayMilliseconds: 1, maxDelayMilliseconds: 4))
}

/// A port nothing listens on: bound by a just-stopped server.
func closedPort() throws -> Int {
    let server = try startServer()
    let port = server.port
    server.stop()
    return port
}
