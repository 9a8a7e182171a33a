import CCurl
import Foundation
import Model
import XCTest

@testable import HTTP

/// The curl shim: options reach the handle, requests round-trip, and curl's errors map to causes.
final class CurlShimTests: XCTestCase {
    let timeouts = CurlTimeouts(connectMilliseconds: 500, totalMilliseconds: 300)

    func testOptionsSetThroughTheVariadicWrappersAreRecorded() throws {
        let handle = try CurlHandle(timeouts: timeouts)
        XCTAssertEqual(handle.optionsSet[CURLOPT_CONNECTTIMEOUT_MS.rawValue], 500)
        XCTAssertEqual(handle.optionsSet[CURLOPT_TIMEOUT_MS.rawValue], 300)
        XCTAssertEqual(handle.optionsSet[CURLOPT_NOSIGNAL.rawValue], 1)
        XCTAssertEqual(handle.optionsSet[CURLOPT_TCP_NODELAY.rawValue], 1)
    }

    func testPutGetAndDeleteRoundTripBodiesHeadersAndStatuses() throws {
        let server = try startServer()
        defer { server.stop() }
        let handle = try CurlHandle(timeouts: timeouts)
        let url = "http://127.0.0.1:\(server.port)/state/job/state.json"
        XCTAssertEqual(try handle.perform(method: "GET", url: url).status, 404)
        let body = Array("{\"completed\":{}}".utf8)
        let put = try handle.perform(method: "PUT", url: url, headers: ["x-meta-owner: me"], body: body)
        XCTAssertEqual(put.status, 201)
        XCTAssertNotNil(put.headers["etag"])
        let get = try handle.perform(method: "GET", url: url)
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(get.body, body)
        XCTAssertEqual(get.headers["x-meta-owner"], "me")
        XCTAssertEqual(
            try handle.perform(method: "PUT", url: url, headers: ["If-None-Match: *"], body: body).status, 412)
        XCTAssertEqual(try handle.perform(method: "DELETE", url: url, headers: ["If-Match: \"999\""]).status, 412)
        XCTAssertEqual(try handle.perform(method: "DELETE", url: url).status, 204)
        XCTAssertEqual(try handle.perform(method: "GET", url: url).status, 404)
        // An empty body is a valid PUT too.
        XCTAssertEqual(try handle.perform(method: "PUT", url: url, body: []).status, 201)
        XCTAssertTrue(try handle.perform(method: "GET", url: url).body.isEmpty)
    }

    func testAReusedHandleKeepsItsConnection() throws {
        let server = try startServer()
        defer { server.stop() }
        let handle = try CurlHandle(timeouts: timeouts)
        let url = "http://127.0.0.1:\(server.port)/api/s/records?page=0"
        _ = try handle.perform(method: "GET", url: url)
        XCTAssertEqual(handle.connectionsOpenedByLastRequest, 1)
        for _ in 0..<5 {
            XCTAssertEqual(try handle.perform(method: "GET", url: url).status, 200)
            XCTAssertEqual(handle.connectionsOpenedByLastRequest, 0)
        }
    }

    func testCurlErrorsMapToCauses() throws {
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_OPERATION_TIMEDOUT), .timeout)
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_GOT_NOTHING), .reset)
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_RECV_ERROR), .reset)
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_SEND_ERROR), .reset)
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_COULDNT_CONNECT), .connect)
        XCTAssertEqual(TransportFailure.from(curlCode: CURLE_UNSUPPORTED_PROTOCOL), .other)

        let handle = try CurlHandle(timeouts: timeouts)
        func failure(_ url: String) -> TransportFailure? {
            do {
                _ = try handle.perform(method: "GET", url: url)
                return nil
            } catch let e as CurlError { return e.failure } catch { return nil }
        }
        XCTAssertEqual(failure("http://127.0.0.1:\(try closedPort())/api/s/records?page=0"), .connect)
        XCTAssertEqual(failure("gopherx://127.0.0.1/"), .other)
    }

    func testAStalledAnswerTimesOutAndADroppedConnectionIsAReset() throws {
        let stalling = try startServer(api: FaultSpec(stallRate: 1), stallMilliseconds: 2000)
        defer { stalling.stop() }
        let handle = try CurlHandle(timeouts: timeouts)
        let url = "http://127.0.0.1:\(stalling.port)/api/s/records?page=0"
        let started = Date()
        for _ in 0..<2 {
            XCTAssertThrowsError(try handle.perform(method: "GET", url: url)) { error in
                XCTAssertEqual((error as? CurlError)?.failure, .timeout, "\(error)")
            }
        }
        // Two timeouts of 300 ms, not two stalls of 2 s.
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)

        let dropping = try startServer(api: FaultSpec(dropRate: 1))
        defer { dropping.stop() }
        XCTAssertThrowsError(
            try handle.perform(method: "GET", url: "http://127.0.0.1:\(dropping.port)/api/s/records?page=0")
        ) { error in
            XCTAssertEqual((error as? CurlError)?.failure, .reset, "\(error)")
        }
    }
}
