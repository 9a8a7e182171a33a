import Foundation

/// A value shared between test threads. `@unchecked Sendable`: every access holds `lock`.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Reads or changes the value under the lock.
    public func withValue<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }

    /// The value now.
    public var current: Value { withValue { $0 } }
}
