import Foundation
import Model
import Storage

/// Meltano's object-store state backend (`s3://`, `gs://`, `azure://`) over the loopback server's
/// `/state/<state id>/state.json` and `/state/<state id>/lock`, with the file backend's semantics:
///
/// - `set` takes the lock by conditional create (`PUT` with `If-None-Match: *`, 412 when held),
///   the lock's body a UTC timestamp; a lock older than `lockTimeoutSeconds` is stale and removed
///   (`DELETE` with `If-Match` of the version judged stale, so a fresh lock is never removed);
///   a live lock is waited for in `retryInterval` steps, each counted.
/// - Under the lock it reads, merges (`StateMerge`) and writes `state.json`, then deletes the
///   lock (`If-Match` its own version).
/// - Every request goes through `RetryingClient` (5xx, timeouts and resets retried). A lock `PUT`
///   whose answer was lost may still have been applied; the lock carries `x-meta-owner`, so the
///   retry's 412 is recognized as our own lock rather than waited out as someone else's.
public final class HTTPStateStore: StateStore, @unchecked Sendable {
    /// Cumulative counters of this store object.
    public struct Stats: Sendable, Equatable {
        public var writes = 0
        public var lockWaits = 0
        public var staleLocksRemoved = 0
        /// Lock creates whose answer was lost but which had been applied (found owned by us).
        public var ownLocksRecovered = 0
        /// Releases that found the lock gone or replaced (it had been judged stale by another writer).
        public var locksLost = 0
        public init() {}
    }

    let client: RetryingClient
    public let lockTimeoutSeconds: Double
    public let retryInterval: Double
    /// Unique per store object: whose lock it is.
    public let owner: String
    /// Prefix of every request's fault key; the runner sets it per invocation (`state/o<ordinal>`)
    /// so that the same write of every variant meets the same faults.
    public var keyPrefix = "state"
    public private(set) var stats = Stats()
    private var operations = 0

    public init(client: RetryingClient, lockTimeoutSeconds: Double = 10, retryInterval: Double = 1) {
        self.client = client
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.retryInterval = retryInterval
        self.owner = "\(getpid())-\(UUID().uuidString)"
    }

    /// `/state/<folder name>/<object>`: the file backend's folder name, which is URL-safe.
    public static func path(stateID: String, object: String) -> String {
        "/state/\(FileStateStore.folderName(forStateID: stateID))/\(object)"
    }

    /// Reads `state.json` without the lock, as Meltano does.
    public func get(stateID: String) throws -> StoredState? {
        operations += 1
        let response = try client.send(
            "GET", Self.path(stateID: stateID, object: "state.json"), key: "\(keyPrefix)/g\(operations)")
        if response.status == 404 { return nil }
        try expect(response, [200], "read state of \(stateID)")
        guard
            let document = try StateMerge.document(
                response.text, source: Self.path(stateID: stateID, object: "state.json"))
        else {
            return nil
        }
        return try StateMerge.storedState(
            document, updatedAt: response.headers["x-updated-at"] ?? StorageTimestamp.format(Date()))
    }

    @discardableResult
    public func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt {
        operations += 1
        let key = "\(keyPrefix)/s\(operations)"
        let statePath = Self.path(stateID: stateID, object: "state.json")
        let lock = try acquireLock(stateID: stateID, key: key)
        let text: String
        let sequence: Int
        do {
            let current = try client.send("GET", statePath, key: key + "/read")
            var old: (partial: [String: Any], completed: [String: Any])?
            if current.status != 404 {
                try expect(current, [200], "read state of \(stateID)")
                old = try StateMerge.document(current.text, source: statePath)
            }
            let merged = try StateMerge.merge(
                oldPartial: old?.partial, oldCompleted: old?.completed,
                newCompleted: completed, newPartial: partial)
            text = try merged.documentText()
            sequence = merged.writeSequence
            let written = try client.send(
                "PUT", statePath, key: key + "/write", headers: ["Content-Type: application/json"],
                body: Array(text.utf8))
            try expect(written, [200, 201], "write state of \(stateID)")
        } catch {
            try? releaseLock(stateID: stateID, etag: lock.etag, key: key)
            throw error
        }
        try releaseLock(stateID: stateID, etag: lock.etag, key: key)
        stats.writes += 1
        var receipt = StateWriteReceipt(
            writeSequence: sequence, busyWaits: 0, lockWaits: lock.waits, waitNanoseconds: lock.waitedNanoseconds)
        receipt.storedDocument = text
        return receipt
    }

    // MARK: - Lock

    private func acquireLock(stateID: String, key: String) throws -> (
        etag: String, waits: Int, waitedNanoseconds: UInt64
    ) {
        let lockPath = Self.path(stateID: stateID, object: "lock")
        var waits = 0
        var waited: UInt64 = 0
        var round = 0
        while true {
            round += 1
            let created = try client.send(
                "PUT", lockPath, key: "\(key)/lock\(round)",
                headers: ["If-None-Match: *", "x-meta-owner: \(owner)", "Content-Type: text/plain"],
                body: Array(StorageTimestamp.format(Date()).utf8))
            if created.status == 200 || created.status == 201, let etag = created.headers["etag"] {
                return (etag, waits, waited)
            }
            try expect(created, [412], "create lock of \(stateID)")
            let held = try client.send("GET", lockPath, key: "\(key)/check\(round)")
            if held.status == 404 { continue }  // released meanwhile: try again at once
            try expect(held, [200], "read lock of \(stateID)")
            guard let etag = held.headers["etag"] else { throw unexpected(held, "read lock of \(stateID) (no ETag)") }
            if held.headers["x-meta-owner"] == owner {
                stats.ownLocksRecovered += 1
                return (etag, waits, waited)
            }
            // The lock's text is its UTC timestamp; the object's write time stands in if it is unreadable.
            let stamp =
                StorageTimestamp.parse(held.text.trimmingCharacters(in: .whitespacesAndNewlines))
                ?? held.headers["x-updated-at"].flatMap(StorageTimestamp.parse)
            if let stamp, Date().timeIntervalSince(stamp) > lockTimeoutSeconds {
                let removed = try client.send(
                    "DELETE", lockPath, key: "\(key)/stale\(round)", headers: ["If-Match: \(etag)"])
                if removed.status == 204 { stats.staleLocksRemoved += 1 }
                continue  // 404 or 412: someone else removed or replaced it; try again
            }
            let before = DispatchTime.now().uptimeNanoseconds
            usleep(useconds_t(max(0, retryInterval) * 1e6))
            waited += DispatchTime.now().uptimeNanoseconds - before
            waits += 1
            stats.lockWaits += 1
        }
    }

    private func releaseLock(stateID: String, etag: String, key: String) throws {
        let released = try client.send(
            "DELETE", Self.path(stateID: stateID, object: "lock"), key: key + "/unlock",
            headers: ["If-Match: \(etag)"])
        // 404: an earlier attempt of this DELETE went through, or the lock was taken away as
        // stale; 412: replaced by another writer's lock, which must stay.
        if released.status == 412 { stats.locksLost += 1 }
        guard [204, 404, 412].contains(released.status) else {
            throw unexpected(released, "release lock of \(stateID)")
        }
    }

    private func expect(_ response: ClientResponse, _ statuses: [Int], _ what: String) throws {
        guard statuses.contains(response.status) else { throw unexpected(response, what) }
    }

    private func unexpected(_ response: ClientResponse, _ what: String) -> HTTPCallFailed {
        HTTPCallFailed(
            cause: nil, attempts: 1, message: "\(what): unexpected HTTP \(response.status) \(response.text.prefix(120))"
        )
    }
}
