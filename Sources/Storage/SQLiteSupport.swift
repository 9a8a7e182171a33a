import Foundation
import Model

/// A value bound to, or read from, a SQLite statement.
public enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    /// `.text` for a string, `.null` for nil.
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    /// `.integer` for a number, `.null` for nil.
    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    /// `.integer`.
    public init(_ value: Int) { self = .integer(Int64(value)) }
    /// `.real` for a number, `.null` for nil.
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }

    /// The integer, if this is `.integer`.
    public var int64Value: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The number, if this is `.real` or `.integer`.
    public var doubleValue: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The string, if this is `.text`.
    public var stringValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// True for `.null`.
    public var isNull: Bool { self == .null }
}

extension SQLiteValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Lock-protected counters, shared by the connection and its C busy handler.
/// `@unchecked Sendable`: every access goes through `lock`.
final class StatsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stats = DatabaseStats()

    var snapshot: DatabaseStats { lock.withLock { stats } }

    func update(_ change: (inout DatabaseStats) -> Void) {
        lock.withLock { change(&stats) }
    }
}

/// SQLite's default busy back-off (`sqliteDefaultBusyCallback` in main.c), reused for
/// whole-statement retries so both waits look like what a real SQLite client does.
enum BackOff {
    static let delaysMilliseconds = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]
    static let totalsMilliseconds = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228]

    /// The sleep before wait number `attempt` (0-based), and the time slept before it.
    static func step(_ attempt: Int) -> (delay: Int, prior: Int) {
        let count = delaysMilliseconds.count
        if attempt < count { return (delaysMilliseconds[attempt], totalsMilliseconds[attempt]) }
        let delay = delaysMilliseconds[count - 1]
        return (delay, totalsMilliseconds[count - 1] + delay * (attempt - (count - 1)))
    }
}

/// Sleeps the calling thread (these waits are deliberately blocking: they model a process
/// waiting on a lock).
func sleepNanoseconds(_ nanoseconds: UInt64) {
    guard nanoseconds > 0 else { return }
    var request = timespec(
        tv_sec: Int(nanoseconds / 1_000_000_000),
        tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
