import Foundation
import Model

/// Meltano's file state backend: `<root>/<state id>/lock` and `<root>/<state id>/state.json`.
///
/// `set` takes the lock by exclusive create, writing a UTC timestamp into it; a lock whose
/// timestamp is older than `lockTimeoutSeconds` is stale and removed; a live lock is waited
/// for in `retryInterval` steps (each counted). Under the lock it reads, merges and writes
/// `state.json` (`{"completed": {...}, "partial": {...}}`) atomically, then removes the lock.
///
/// `@unchecked Sendable`: the only mutable state (counters, test hook) is behind `lock`;
/// cross-process exclusion is the lock file's job.
public final class FileStateStore: StateStore, @unchecked Sendable {
    /// Cumulative counters of this store object.
    public struct Stats: Sendable, Equatable {
        /// Completed `set` calls.
        public var writes = 0
        /// Sleeps while another writer held a live lock.
        public var lockWaits = 0
        /// Time spent in those sleeps.
        public var lockWaitNanoseconds: UInt64 = 0
        /// Stale locks this store removed.
        public var staleLocksRemoved = 0
        public init() {}
    }

    /// The folder holding one sub-folder per state id.
    public let root: String
    /// Age after which a lock is considered abandoned (Meltano's `lock_timeout_seconds`).
    public let lockTimeoutSeconds: Double
    /// Sleep between attempts on a held lock (Meltano: 1 s; tests use milliseconds).
    public let retryInterval: Double

    private let lock = NSLock()
    private var counters = Stats()
    private var lockHeldHookStorage: (@Sendable (String) -> Void)?

    /// Creates the store, and `root` if missing.
    public init(root: String, lockTimeoutSeconds: Double = 10, retryInterval: Double = 1) throws {
        self.root = root
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.retryInterval = retryInterval
        try Self.makeDirectory(root)
    }

    /// The counters so far.
    public var stats: Stats { lock.withLock { counters } }

    /// Test hook: called with the lock path while `set` holds the lock.
    var lockHeldHook: (@Sendable (String) -> Void)? {
        get { lock.withLock { lockHeldHookStorage } }
        set { lock.withLock { lockHeldHookStorage = newValue } }
    }

    /// A file-system-safe, deterministic and reversible folder name for a state id: bytes
    /// outside `[A-Za-z0-9._-]` (such as `:` or `/`) become `%XX`; a leading `.` too, so
    /// `.` and `..` cannot occur.
    public static func folderName(forStateID stateID: String) -> String {
        var name = ""
        for (offset, byte) in stateID.utf8.enumerated() {
            let safe =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
                || (byte == 0x2E && offset > 0)
            if safe {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                name += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return name.isEmpty ? "%" : name
    }

    /// `<root>/<folder name>`.
    public func folderPath(forStateID stateID: String) -> String {
        root + "/" + Self.folderName(forStateID: stateID)
    }

    /// `<root>/<folder name>/lock`.
    public func lockPath(forStateID stateID: String) -> String { folderPath(forStateID: stateID) + "/lock" }

    /// `<root>/<folder name>/state.json`.
    public func statePath(forStateID stateID: String) -> String { folderPath(forStateID: stateID) + "/state.json" }

    // MARK: - StateStore

    /// Reads `state.json` without the lock (as Meltano does); `updatedAt` is its mtime.
    public func get(stateID: String) throws -> StoredState? {
        let path = statePath(forStateID: stateID)
        guard let document = try readDocument(path) else { return nil }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        return try StateMerge.storedState(document, updatedAt: StorageTimestamp.format(modified))
    }

    @discardableResult
    public func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt {
        let folder = folderPath(forStateID: stateID)
        try Self.makeDirectory(folder)
        let lockFile = folder + "/lock"
        let waited = try acquireLock(lockFile)
        defer { unlink(lockFile) }
        lockHeldHook?(lockFile)

        let path = folder + "/state.json"
        let old = try readDocument(path)
        let merged = try StateMerge.merge(
            oldPartial: old?.partial, oldCompleted: old?.completed,
            newCompleted: completed, newPartial: partial)
        let text = try merged.documentText()
        try Self.writeAtomically(Array(text.utf8), to: path, folder: folder)
        lock.withLock { counters.writes += 1 }
        var receipt = StateWriteReceipt(
            writeSequence: merged.writeSequence, busyWaits: 0,
            lockWaits: waited.waits, waitNanoseconds: waited.nanoseconds)
        receipt.storedDocument = text
        return receipt
    }

    // MARK: - Lock

    /// Loops until the lock file is ours. Returns the waits taken.
    private func acquireLock(_ path: String) throws -> (waits: Int, nanoseconds: UInt64) {
        var waits = 0
        var waitedNanoseconds: UInt64 = 0
        while true {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor >= 0 {
                // Between create and this write the lock is empty; readers then use its mtime.
                let stamp = Array(StorageTimestamp.format(Date()).utf8)
                let written = stamp.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                let writeErrno = errno
                close(descriptor)
                guard written == stamp.count else {
                    unlink(path)
                    throw StorageError.posix("write lock", path: path, errno: writeErrno)
                }
                return (waits, waitedNanoseconds)
            }
            guard errno == EEXIST else { throw StorageError.posix("create lock", path: path) }
            switch try removeIfStale(path) {
            case .gone:
                continue
            case .removed:
                lock.withLock { counters.staleLocksRemoved += 1 }
                continue
            case .live:
                let before = MonotonicClock.now()
                sleepNanoseconds(UInt64(max(0, retryInterval) * 1e9))
                let slept = MonotonicClock.now() - before
                waits += 1
                waitedNanoseconds += slept
                lock.withLock {
                    counters.lockWaits += 1
                    counters.lockWaitNanoseconds += slept
                }
            }
        }
    }

    private enum LockCheck { case gone, removed, live }

    /// Removes the lock at `path` if its timestamp is older than `lockTimeoutSeconds`.
    ///
    /// Two waiters may both judge the same lock stale; a plain unlink by the slower one could
    /// delete the lock the faster one just created. So the lock is first renamed to a unique
    /// name (only one rename of a given file succeeds) and judged again; a fresh lock caught
    /// that way is linked back. (A tiny window remains while it is moved; Meltano has a wider one.)
    private func removeIfStale(_ path: String) throws -> LockCheck {
        guard let age = lockAge(path) else { return .gone }
        guard age > lockTimeoutSeconds else { return .live }
        let moved = path + ".stale." + UUID().uuidString
        guard rename(path, moved) == 0 else {
            if errno == ENOENT { return .gone }
            throw StorageError.posix("rename stale lock", path: path)
        }
        defer { unlink(moved) }
        if let movedAge = lockAge(moved), movedAge <= lockTimeoutSeconds {
            _ = link(moved, path)  // fails only if a new lock already exists: fine either way
            return .live
        }
        return .removed
    }

    /// Seconds since the timestamp written in the lock; its mtime if the text is missing or
    /// unreadable (the holder may not have written it yet); nil if the lock is gone.
    private func lockAge(_ path: String) -> Double? {
        let bytes: [UInt8]
        do {
            guard let read = try Self.readFile(path) else { return nil }
            bytes = read
        } catch {
            return 0  // unreadable: treat as live and try again later
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let stamp = StorageTimestamp.parse(text) { return Date().timeIntervalSince(stamp) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Date().timeIntervalSince(modified)
    }

    // MARK: - Files

    private func readDocument(_ path: String) throws -> (partial: [String: Any], completed: [String: Any])? {
        guard let bytes = try Self.readFile(path) else { return nil }
        return try StateMerge.document(String(decoding: bytes, as: UTF8.self), source: path)
    }

    /// The file's bytes, or nil if it does not exist.
    private static func readFile(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw StorageError.posix("open", path: path)
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StorageError.posix("read", path: path)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// Temp file in the same folder, then `rename`, so readers see the old or the new file,
    /// never a partial one. No fsync: Meltano does not sync either.
    private static func writeAtomically(_ bytes: [UInt8], to path: String, folder: String) throws {
        let temporary = folder + "/.state.json." + UUID().uuidString + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw StorageError.posix("create temp state", path: temporary) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw StorageError.posix("write temp state", path: temporary, errno: code)
            }
            offset += count
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw StorageError.posix("rename state", path: path, errno: code)
        }
    }

    private static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StorageError(kind: .fileSystem(errno: EIO), message: "cannot create folder: \(error)", path: path)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
