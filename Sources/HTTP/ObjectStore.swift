import Foundation

/// One stored object: its bytes, entity tag, user metadata (`x-meta-*`) and write time.
public struct StoredObject: Sendable, Equatable {
    public var body: [UInt8]
    public var etag: String
    public var metadata: [String: String]
    /// UTC write time, `StorageTimestamp` format.
    public var updatedAt: String

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The server's in-memory object store, with the conditional operations S3 and GCS offer, which
/// is what makes a lock over HTTP exclusive: `PUT` with `If-None-Match: *` creates only when the
/// key is absent; `PUT`/`DELETE` with `If-Match: <etag>` act only on that exact version.
///
/// Thread-safe: every operation holds one lock (requests arrive on several NIO event loops).
public final class ObjectStore: @unchecked Sendable {
    /// The outcome of a write, as an HTTP status.
    public enum WriteResult: Equatable, Sendable {
        case created(etag: String)
        case replaced(etag: String)
        case preconditionFailed
        case notFound
        case deleted
    }

    private let lock = NSLock()
    private var objects: [String: StoredObject] = [:]
    private var version: UInt64 = 0

    public init() {}

    public func get(_ key: String) -> StoredObject? {
        lock.withLock { objects[key] }
    }

    /// Stores `body` under `key`. `ifNoneMatch` "*": only if absent. `ifMatch`: only if the
    /// current etag equals it.
    public func put(
        _ key: String, body: [UInt8], metadata: [String: String], ifNoneMatch: String?, ifMatch: String?,
        now: String
    ) -> WriteResult {
        lock.withLock {
            let existing = objects[key]
            if ifNoneMatch == "*", existing != nil { return .preconditionFailed }
            if let ifMatch, existing?.etag != ifMatch { return .preconditionFailed }
            version += 1
            let etag = "\"\(version)\""
            objects[key] = StoredObject(body: body, etag: etag, metadata: metadata, updatedAt: now)
            return existing == nil ? .created(etag: etag) : .replaced(etag: etag)
        }
    }

    /// Removes `key`; with `ifMatch`, only that exact version.
    public func delete(_ key: String, ifMatch: String?) -> WriteResult {
        lock.withLock {
            guard let existing = objects[key] else { return .notFound }
            if let ifMatch, existing.etag != ifMatch { return .preconditionFailed }
            objects[key] = nil
            return .deleted
        }
    }

    /// Every key and object, sorted by key: what the integrity check reads after a run.
    public func snapshot() -> [(key: String, object: StoredObject)] {
        lock.withLock { objects.sorted { $0.key < $1.key }.map { (key: $0.key, object: $0.value) } }
    }
}
