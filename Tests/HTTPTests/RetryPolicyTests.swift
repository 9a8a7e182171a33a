import Foundation
import Model
import Testing
import XCTest

@testable import HTTP

/// Capped exponential backoff, which failures are retried, and seeded fault decisions (no server).
@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToItsCap() {
        let policy = RetryPolicy(maxRetries: 10, baseDelayMilliseconds: 10, maxDelayMilliseconds: 500)
        #expect((0..<8).map { policy.delayMilliseconds(beforeRetry: $0) } == [10, 20, 40, 80, 160, 320, 500, 500])
        #expect(policy.delayMilliseconds(beforeRetry: 10_000) == 500)
    }

    @Test func onlyServerErrorsAndTransportFailuresAreRetried() {
        #expect(RetryPolicy.cause(status: 503) == .serverError)
        #expect(RetryPolicy.cause(status: 500) == .serverError)
        #expect(RetryPolicy.cause(status: 404) == nil)
        #expect(RetryPolicy.cause(status: 412) == nil)
        #expect(RetryPolicy.cause(status: 200) == nil)
        #expect(RetryPolicy.cause(failure: .timeout) == .timeout)
        #expect(RetryPolicy.cause(failure: .reset) == .reset)
        #expect(RetryPolicy.cause(failure: .connect) == .connect)
        #expect(RetryPolicy.cause(failure: .other) == nil)
    }

    @Test func faultDecisionsAreSeededPerKeyAndHitTheirRates() {
        let plan = FaultPlan(
            seed: 42, api: FaultSpec(errorRate: 0.2, stallRate: 0.05, latencyMilliseconds: 2, jitterMilliseconds: 4),
            stallMilliseconds: 10)
        let again = FaultPlan(seed: 42, api: plan.api, stallMilliseconds: 10)
        let other = FaultPlan(seed: 43, api: plan.api, stallMilliseconds: 10)
        let keys = (0..<20_000).map { "api/o\($0 % 9)/p\($0)/a0" }
        let decisions = keys.map { plan.decide(endpoint: .api, key: $0, fallbackOrdinal: 0) }
        #expect(decisions == keys.map { again.decide(endpoint: .api, key: $0, fallbackOrdinal: 0) })
        #expect(decisions != keys.map { other.decide(endpoint: .api, key: $0, fallbackOrdinal: 0) })
        let errors = Double(decisions.filter { $0.action == .serverError }.count) / Double(keys.count)
        let stalls = Double(decisions.filter { $0.action == .stall }.count) / Double(keys.count)
        #expect(abs(errors - 0.2) < 0.015)
        #expect(abs(stalls - 0.05) < 0.01)
        #expect(decisions.allSatisfy { $0.latencyMilliseconds >= 2 && $0.latencyMilliseconds < 6 })
        // The state endpoints have no faults here.
        #expect(keys.allSatisfy { plan.decide(endpoint: .state, key: $0, fallbackOrdinal: 0).action == .answer })
    }
}

/// The retrying client against a real server: every retry counted by cause, the backoff slept.
final class RetryingClientTests: XCTestCase {
    func testAServerThatAlwaysFailsExhaustsTheRetriesWithTheBackoffSlept() throws {
        let server = try startServer(api: FaultSpec(errorRate: 1))
        defer { server.stop() }
        var slept: [Double] = []
        let client = try RetryingClient(settings: settings(server, maxRetries: 4)) { slept.append($0) }
        XCTAssertThrowsError(try client.send("GET", "/api/s/records?page=0", key: "k")) { error in
            XCTAssertEqual((error as? HTTPCallFailed)?.cause, .serverError)
            XCTAssertEqual((error as? HTTPCallFailed)?.attempts, 5)
        }
        XCTAssertEqual(slept, [1, 2, 4, 4])
        let counters = client.takeCounters()
        XCTAssertEqual(counters.calls, 1)
        XCTAssertEqual(counters.requests, 5)
        XCTAssertEqual(counters.retries.serverError, 4)
        XCTAssertEqual(counters.failures.serverError, 1)
        XCTAssertEqual(counters.latencyMicroseconds.count, 5)
        XCTAssertEqual(server.stats[.api]?.serverErrors, 5)
        XCTAssertTrue(client.takeCounters().isEmpty)
    }

    func testRetriesAreCountedByCauseAndMatchTheFaultsTheServerInjected() throws {
        let server = try startServer(
            api: FaultSpec(errorRate: 0.2, stallRate: 0.05, dropRate: 0.05), stallMilliseconds: 600)
        defer { server.stop() }
        let client = try RetryingClient(settings: settings(server, timeoutMilliseconds: 250, maxRetries: 10))
        for page in 0..<60 {
            XCTAssertEqual(try client.send("GET", "/api/s/records?page=\(page % 5)", key: "p\(page)").status, 200)
        }
        let c = client.takeCounters()
        let injected = try XCTUnwrap(server.stats[.api])
        XCTAssertEqual(c.calls, 60)
        XCTAssertEqual(c.retries.serverError, injected.serverErrors)
        // libcurl re-sends a request once by itself when a reused connection closes before any
        // answer; the re-send carries the same key, so it is dropped again. The server sees those
        // extra requests, all of them drops; the client sees one reset.
        XCTAssertGreaterThan(injected.drops, 0)
        XCTAssertEqual(injected.requests - c.requests, injected.drops - c.retries.reset)
        XCTAssertLessThanOrEqual(c.retries.reset, injected.drops)
        // A slow answer on a loaded machine may time out too; a stall always does.
        XCTAssertGreaterThanOrEqual(c.retries.timeout, injected.stalls)
        XCTAssertEqual(c.retries.total, c.requests - c.calls)
        XCTAssertGreaterThan(c.retries.serverError, 0)
        XCTAssertEqual(c.failures.total, 0)
    }

    func testNothingListeningIsRetriedAsConnectThenGivenUp() throws {
        let port = try closedPort()
        let client = try RetryingClient(
            settings: ClientSettings(
                baseURL: "http://127.0.0.1:\(port)",
                timeouts: CurlTimeouts(connectMilliseconds: 200, totalMilliseconds: 200),
                retry: RetryPolicy(maxRetries: 2, baseDelayMilliseconds: 0, maxDelayMilliseconds: 0)))
        XCTAssertThrowsError(try client.send("GET", "/api/s/records?page=0", key: "k"))
        let c = client.takeCounters()
        XCTAssertEqual(c.retries.connect, 2)
        XCTAssertEqual(c.failures.connect, 1)
    }
}
