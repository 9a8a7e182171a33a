import Foundation
import Storage
import XCTest

@testable import HTTP

/// The http state backend's lock, as docs/model.md gives it for file and object-store backends:
/// a UTC timestamp, stale after `lock_timeout_seconds`, a held lock waited for in retry steps.
final class LockSemanticsTests: XCTestCase {
    func store(_ server: LoopbackServer, retryInterval: Double = 0.01, timeoutMilliseconds: Int = 200) throws
        -> HTTPStateStore
    {
        HTTPStateStore(
            client: try RetryingClient(settings: settings(server, timeoutMilliseconds: timeoutMilliseconds)),
            lockTimeoutSeconds: 10, retryInterval: retryInterval)
    }

    func lockKey(_ stateID: String) -> String { FileStateStore.folderName(forStateID: stateID) + "/lock" }

    /// Puts a lock another writer holds, stamped `age` seconds ago.
    func plantLock(_ server: LoopbackServer, stateID: String, age: Double) {
        let stamp = StorageTimestamp.format(Date().addingTimeInterval(-age))
        _ = server.store.put(
            lockKey(stateID), body: Array(stamp.utf8), metadata: ["x-meta-owner": "someone-else"],
            ifNoneMatch: "*", ifMatch: nil, now: stamp)
    }

    func testWritesMergeCountAndLeaveNoLock() throws {
        let server = try startServer()
        defer { server.stop() }
        let states = try store(server)
        XCTAssertNil(try states.get(stateID: "dev:job"))
        try states.set(stateID: "dev:job", completed: nil, partial: #"{"a": {"x": 1}}"#)
        let receipt = try states.set(stateID: "dev:job", completed: nil, partial: #"{"a": {"y": 2}}"#)
        XCTAssertEqual(receipt.writeSequence, 2)
        let stored = try XCTUnwrap(try states.get(stateID: "dev:job"))
        XCTAssertEqual(stored.partialState, #"{"a":{"x":1,"y":2}}"#)
        XCTAssertEqual(stored.writeCount, 2)
        XCTAssertEqual(
            server.store.get(FileStateStore.folderName(forStateID: "dev:job") + "/state.json")?.text,
            receipt.storedDocument)
        XCTAssertNil(server.store.get(lockKey("dev:job")))
    }

    func testAStaleLockIsRemovedAndTheWriteGoesThrough() throws {
        let server = try startServer()
        defer { server.stop() }
        plantLock(server, stateID: "dev:stale", age: 60)
        let states = try store(server)
        try states.set(stateID: "dev:stale", completed: #"{"done": true}"#, partial: nil)
        XCTAssertEqual(states.stats.staleLocksRemoved, 1)
        XCTAssertEqual(states.stats.lockWaits, 0)
        XCTAssertNil(server.store.get(lockKey("dev:stale")))
    }

    func testALiveLockIsWaitedForUntilItsHolderReleasesIt() throws {
        let server = try startServer()
        defer { server.stop() }
        plantLock(server, stateID: "dev:live", age: 0)
        let key = lockKey("dev:live")
        let release = Thread {
            Thread.sleep(forTimeInterval: 0.15)
            _ = server.store.delete(key, ifMatch: nil)
        }
        release.start()
        let states = try store(server)
        let started = Date()
        let receipt = try states.set(stateID: "dev:live", completed: #"{"done": true}"#, partial: nil)
        XCTAssertTrue(Date().timeIntervalSince(started) >= 0.14)
        XCTAssertTrue(receipt.lockWaits > 0)
        XCTAssertEqual(states.stats.staleLocksRemoved, 0)
        XCTAssertNil(server.store.get(lockKey("dev:live")))
    }

    func testALockCreateWhoseAnswerWasLostIsRecognizedAsOurOwn() throws {
        // Find a key prefix whose lock create stalls once (applied, answer lost) and whose other
        // requests are answered, so exactly that case is exercised.
        let plan = FaultPlan(seed: 5, state: FaultSpec(stallRate: 0.5), stallMilliseconds: 600)
        func action(_ key: String) -> FaultAction { plan.decide(endpoint: .state, key: key, fallbackOrdinal: 0).action }
        let prefix = try XCTUnwrap(
            (0..<20_000).map { "t\($0)" }.first { p in
                action("\(p)/s1/lock1/a0") == .stall
                    && ["lock1/a1", "check1/a0", "read/a0", "write/a0", "unlock/a0"].allSatisfy {
                        action("\(p)/s1/\($0)") == .answer
                    }
            })
        let server = try startServer(state: plan.state, stallMilliseconds: 600, seed: 5)
        defer { server.stop() }
        let states = try store(server, retryInterval: 5)
        states.keyPrefix = prefix
        let started = Date()
        try states.set(stateID: "dev:lost", completed: #"{"done": true}"#, partial: nil)
        // Waiting out its own lock would take a 5 s retry interval at least.
        XCTAssertTrue(Date().timeIntervalSince(started) < 3)
        XCTAssertEqual(states.stats.ownLocksRecovered, 1)
        XCTAssertEqual(server.stats[.state]?.stalls, 1)
        XCTAssertNil(server.store.get(lockKey("dev:lost")))
    }
}
