import Foundation

/// One line of a log, as `StructlogLineParser` understood it.
public struct LogLine: Sendable, Equatable {
    /// How the line was written.
    public enum Format: String, Sendable, CaseIterable {
        /// structlog's `ConsoleRenderer`: `2026-01-08T10:30:49.218025Z [info     ] event key=value ...`
        /// (the timestamp may be missing when Meltano is configured without one).
        case console
        /// structlog's `JSONRenderer` (`meltano --log-format json`): one object with `event`,
        /// `level`, `timestamp` and the same keys.
        case json
        /// Anything else: a task runner's own lines, shell echoes, a traceback, click's error text.
        case plain
    }

    /// 1-based line number in the file.
    public var number: Int
    public var format: Format
    /// Nil for plain lines and for structlog lines printed without a timestamp.
    public var timestamp: Timestamp?
    /// structlog's level (`info`, `warning`, `error`, ...), lowercased; nil for plain lines.
    public var level: String?
    /// Meltano 4's name column: the plugin that printed the line, or `meltano`; nil before Meltano 4.
    public var source: String?
    /// The event (message) text, trailing padding removed; the whole line for plain lines.
    public var event: String
    /// The `key=value` pairs (or the JSON object's other members), in the order printed.
    public var fields: LogFields
    /// The line held bytes that are not UTF-8; they were replaced with U+FFFD.
    public var hadInvalidUTF8: Bool
    /// The line starts with (or its JSON holds) a timestamp of a moment that does not exist (February 30,
    /// 23:59:60, the year 10000): it is read without a time, and said.
    public var hadImpossibleTimestamp = false

    public init(
        number: Int, format: Format, timestamp: Timestamp? = nil, level: String? = nil, source: String? = nil,
        event: String, fields: LogFields = LogFields(), hadInvalidUTF8: Bool = false
    ) {
        self.number = number
        self.format = format
        self.timestamp = timestamp
        self.level = level
        self.source = source
        self.event = event
        self.fields = fields
        self.hadInvalidUTF8 = hadInvalidUTF8
    }

    /// A line structlog wrote (console or JSON), as opposed to a plain line.
    public var isStructured: Bool { format != .plain }

    /// The plugin that printed the line, when the line is a plugin's output relayed by Meltano:
    /// Meltano 4's name column when it is not `meltano`; before that, `name=` on a line that also
    /// carries `stdio=`, `cmd_type=`, `consumer=` or `producer=`, or that carries nothing else
    /// (Meltano 4.0's console hides every other key of a plugin's line, and its own lines carry none).
    public var plugin: String? {
        if let source { return source == "meltano" ? nil : source }
        guard let name = fields["name"] else { return nil }
        return fields.count == 1 || fields["stdio"] != nil || fields["cmd_type"] != nil || fields["consumer"] != nil
            || fields["producer"] != nil ? name : nil
    }

    /// True when the event text contains `needle` (a byte search: no allocation, no Unicode folding).
    public func eventContains(_ needle: StaticString) -> Bool { ByteSearch.offset(of: needle, in: event) != nil }
}

/// The `key=value` pairs of a structlog line, in printed order; a key looked up twice gives its last value.
///
/// A small array rather than a dictionary: lines carry about eight keys, and a linear scan
/// is cheaper than hashing them on every one of a 100 MB log's lines.
public struct LogFields: Sendable, Equatable, Sequence {
    public private(set) var pairs: [(key: String, value: String)]

    public init(_ pairs: [(key: String, value: String)] = []) { self.pairs = pairs }

    public subscript(key: String) -> String? {
        var i = pairs.count
        while i > 0 {
            i -= 1
            if pairs[i].key == key { return pairs[i].value }
        }
        return nil
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }
    public var keys: [String] { pairs.map(\.key) }

    public mutating func append(_ key: String, _ value: String) { pairs.append((key, value)) }

    mutating func reserveCapacity(_ count: Int) { pairs.reserveCapacity(count) }

    public func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { pairs.makeIterator() }

    /// A key's value as a Python boolean (`True`/`False` on the console, `true`/`false` in JSON).
    public func bool(_ key: String) -> Bool? {
        switch self[key] {
        case "True", "true": return true
        case "False", "false": return false
        default: return nil
        }
    }

    public static func == (a: LogFields, b: LogFields) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// Byte-level substring search over UTF-8.
enum ByteSearch {
    /// The UTF-8 offset of the first `needle` in `text`, or nil.
    static func offset(of needle: StaticString, in text: String) -> Int? {
        var text = text
        return text.withUTF8 { haystack in needle.withUTF8Buffer { find($0, in: haystack) } }
    }

    /// The offset of the first `needle` in `haystack`, or nil.
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0)
        -> Int?
    {
        let n = needle.count
        guard n > 0, let first = needle.first, haystack.count - start >= n else { return n == 0 ? start : nil }
        var i = start
        let last = haystack.count - n
        while i <= last {
            guard let hit = firstIndex(of: first, in: haystack, from: i, to: last + 1) else { return nil }
            var j = 1
            while j < n && haystack[hit + j] == needle[j] { j += 1 }
            if j == n { return hit }
            i = hit + 1
        }
        return nil
    }

    /// The first index of `byte` in `buffer[from..<to]`.
    static func firstIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
