import Foundation

/// A job's stored state, as a backend returns it.
public struct StoredState: Sendable, Equatable {
    /// The partial state JSON object (`{}` when none).
    public var partialState: String?
    /// The completed state JSON object; includes the simulator's `_simulate_writes` counter.
    public var completedState: String?
    /// When the state was last written (ISO-8601 UTC).
    public var updatedAt: String

    public init(partialState: String?, completedState: String?, updatedAt: String) {
        self.partialState = partialState
        self.completedState = completedState
        self.updatedAt = updatedAt
    }

    /// The `_simulate_writes` audit counter in the completed state (nil if absent).
    public var writeCount: Int? { StateMerge.writeCount(inCompletedState: completedState) }
}

/// What one `StateStore.set` did and waited for.
public struct StateWriteReceipt: Sendable, Equatable {
    /// The `_simulate_writes` value this write stored (1 for the first write of a state id).
    public var writeSequence: Int
    /// SQLite busy-handler waits plus whole-transaction retries during this write.
    public var busyWaits: Int
    /// Times the file backend found the lock held and slept `retryInterval`.
    public var lockWaits: Int
    /// Time spent in those waits.
    public var waitNanoseconds: UInt64
    /// The state document this write stored, byte for byte, where the backend keeps one
    /// (file and http backends); nil for the system database.
    public var storedDocument: String?

    public init(writeSequence: Int, busyWaits: Int, lockWaits: Int, waitNanoseconds: UInt64 = 0) {
        self.writeSequence = writeSequence
        self.busyWaits = busyWaits
        self.lockWaits = lockWaits
        self.waitNanoseconds = waitNanoseconds
    }
}

/// A Meltano state backend: read a job's state, and write it with Meltano's merge rules.
public protocol StateStore: Sendable {
    /// The stored state for `stateID`, or nil if none was ever written.
    func get(stateID: String) throws -> StoredState?

    /// Writes state for `stateID` under the backend's lock:
    /// - `completed` nil: the new `partial` is deep-merged into the stored partial state;
    ///   the completed state is kept.
    /// - `completed` non-nil: it replaces the completed state, and the partial state is
    ///   reset (to `partial` if given, else `{}`).
    /// Both are JSON object texts. Every write also bumps `_simulate_writes`.
    @discardableResult
    func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt
}

/// Meltano's state merge, plus the simulator's audit counter.
///
/// `_simulate_writes` is the simulator's own field, not Meltano's: a top-level integer in the
/// completed state that each write reads and stores + 1, so a lost update (two writers
/// reading the same value) shows as a final count below the number of writes.
public enum StateMerge {
    /// The audit counter's key in the completed state object.
    public static let writeCounterKey = "_simulate_writes"

    /// The audit counter in a completed-state JSON text, if present.
    public static func writeCount(inCompletedState text: String?) -> Int? {
        guard let object = try? parseObject(text, what: "completed state") else { return nil }
        return object[writeCounterKey].flatMap(integer)
    }

    /// The merged result of one write, still as JSON objects.
    package struct Merged {
        package var partial: [String: Any]
        package var completed: [String: Any]
        package var writeSequence: Int

        /// The file and object-store backends' document: `{"completed": {...}, "partial": {...}}`.
        package func documentText() throws -> String {
            try StateMerge.serialize(["completed": completed, "partial": partial])
        }
    }

    /// Applies one write to the stored (`old…`) state; `new…` are the caller's JSON texts.
    package static func merge(
        oldPartial: [String: Any]?, oldCompleted: [String: Any]?,
        newCompleted: String?, newPartial: String?
    ) throws -> Merged {
        let previousCount = oldCompleted?[writeCounterKey].flatMap(integer) ?? 0
        var completed: [String: Any]
        let partial: [String: Any]
        if let newCompleted {
            completed = try parseObject(newCompleted, what: "completed state") ?? [:]
            partial = try parseObject(newPartial, what: "partial state") ?? [:]
        } else {
            completed = oldCompleted ?? [:]
            let incoming = try parseObject(newPartial, what: "partial state") ?? [:]
            partial = deepMerge(oldPartial ?? [:], incoming)
        }
        completed[writeCounterKey] = previousCount + 1
        return Merged(partial: partial, completed: completed, writeSequence: previousCount + 1)
    }

    /// Dictionaries merge key by key, recursively; for anything else the new value wins
    /// (Meltano's `merge` of partial states).
    static func deepMerge(_ old: [String: Any], _ new: [String: Any]) -> [String: Any] {
        var result = old
        for (key, newValue) in new {
            if let oldObject = result[key] as? [String: Any], let newObject = newValue as? [String: Any] {
                result[key] = deepMerge(oldObject, newObject)
            } else {
                result[key] = newValue
            }
        }
        return result
    }

    /// Parses a JSON object text; nil for nil or empty text.
    package static func parseObject(_ text: String?, what: String) throws -> [String: Any]? {
        guard let text, !text.isEmpty else { return nil }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw StorageError(kind: .invalidState, message: "\(what) is not valid JSON: \(error)")
        }
        if value is NSNull { return nil }
        guard let object = value as? [String: Any] else {
            throw StorageError(kind: .invalidState, message: "\(what) is not a JSON object: \(text.prefix(80))")
        }
        return object
    }

    /// Serializes with sorted keys so equal states give equal text.
    package static func serialize(_ object: [String: Any]) throws -> String {
        do {
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw StorageError(kind: .invalidState, message: "cannot serialize state: \(error)")
        }
    }

    /// Parses a file or object-store state document into its partial and completed objects
    /// (`{}` for a missing or null part); nil for empty text. `source` names it in errors.
    package static func document(_ text: String, source: String) throws -> (
        partial: [String: Any], completed: [String: Any]
    )? {
        guard let object = try parseObject(text, what: "state document \(source)") else { return nil }
        func part(_ key: String) throws -> [String: Any] {
            guard let value = object[key], !(value is NSNull) else { return [:] }
            guard let dictionary = value as? [String: Any] else {
                throw StorageError(kind: .invalidState, message: "\"\(key)\" is not a JSON object", path: source)
            }
            return dictionary
        }
        return (try part("partial"), try part("completed"))
    }

    /// A stored state as `get` returns it, from a parsed document.
    package static func storedState(_ document: (partial: [String: Any], completed: [String: Any]), updatedAt: String)
        throws -> StoredState
    {
        StoredState(
            partialState: try serialize(document.partial), completedState: try serialize(document.completed),
            updatedAt: updatedAt)
    }

    /// An integer JSON value (JSONSerialization may give `Int` or `NSNumber`). No Bool check:
    /// on Linux every NSNumber also casts to Bool, so `is Bool` would reject real integers.
    static func integer(_ value: Any) -> Int? {
        if let number = value as? Int { return number }
        if let number = value as? NSNumber { return number.intValue }
        return nil
    }
}
