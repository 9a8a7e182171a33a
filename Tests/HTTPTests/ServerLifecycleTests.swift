import Foundation
import Model
import XCTest

@testable import HTTP

/// The loopback server binds 127.0.0.1 on an ephemeral port, serves pages, and after a stop,
/// even one in the middle of a stalled answer, nothing listens on its port.
final class ServerLifecycleTests: XCTestCase {
    func testItListensOnAnEphemeralLoopbackPortAndStopsClosingIt() throws {
        let server = try startServer()
        XCTAssertTrue(server.port > 0)
        XCTAssertTrue(LoopbackServer.isListening(port: server.port))
        let report = server.stop()
        XCTAssertTrue(report.graceful)
        XCTAssertTrue(report.portClosed)
        XCTAssertTrue(!LoopbackServer.isListening(port: server.port))
        XCTAssertEqual(server.stop(), report)  // idempotent
    }

    func testPagesHaveTheConfiguredRecordsAndEndAfterTheLastPage() throws {
        let server = try startServer(pages: 2)
        defer { server.stop() }
        let handle = try CurlHandle(timeouts: CurlTimeouts(connectMilliseconds: 500, totalMilliseconds: 1000))
        let page = try handle.perform(method: "GET", url: "http://127.0.0.1:\(server.port)/api/orders/records?page=1")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["x-record-count"], "3")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any])
        XCTAssertEqual(json["stream"] as? String, "orders")
        XCTAssertEqual((json["records"] as? [[String: Any]])?.count, 3)
        XCTAssertTrue(json["next_page"] is NSNull)
        // About record_bytes per record.
        XCTAssertTrue(abs(page.body.count - 3 * 100) < 80)
        XCTAssertEqual(
            try handle.perform(method: "GET", url: "http://127.0.0.1:\(server.port)/api/orders/records?page=2").status,
            404)
        XCTAssertEqual(try handle.perform(method: "GET", url: "http://127.0.0.1:\(server.port)/elsewhere").status, 404)
    }

    func testAStopCutsAStalledAnswerShort() throws {
        let server = try startServer(api: FaultSpec(stallRate: 1), stallMilliseconds: 30_000)
        let request = Thread {
            let handle = try? CurlHandle(timeouts: CurlTimeouts(connectMilliseconds: 500, totalMilliseconds: 60_000))
            _ = try? handle?.perform(method: "GET", url: "http://127.0.0.1:\(server.port)/api/s/records?page=0")
        }
        request.start()
        let deadline = Date().addingTimeInterval(5)
        while server.stats[.api]?.stalls != 1 && Date() < deadline { usleep(1000) }
        XCTAssertEqual(server.stats[.api]?.stalls, 1, "the answer is being held when the server stops")
        let started = Date()
        let report = server.stop()
        XCTAssertTrue(Date().timeIntervalSince(started) < 5)
        XCTAssertTrue(report.portClosed)
    }
}
