/// Reads one line of `meltano --log-format json` output: a flat JSON object written by
/// structlog's `JSONRenderer` (`{"event": ..., "level": ..., "timestamp": ..., "name": ...}`).
///
/// A small hand-written reader rather than `JSONSerialization`: it needs no `Data` copy per
/// line, and it keeps members in printed order. Values become the text the console renderer would
/// print for them (`true` → `True`, `null` → `None`, numbers as written, nested objects and
/// arrays as their raw JSON), so `RunSplitter` reads both formats the same way.
enum JSONLogLineParser {
    /// The line as a `.json` `LogLine`, or nil when it is not one JSON object with a string `event`.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> LogLine? {
        var reader = JSONObjectReader(bytes: line)
        guard var members = reader.readObject() else { return nil }
        guard let eventIndex = members.firstIndex(where: { $0.key == "event" && $0.isString }) else { return nil }
        let event = members.remove(at: eventIndex).value
        var level: String?
        var timestamp: Timestamp?
        var impossibleTimestamp = false
        var fields = LogFields()
        for member in members {
            switch member.key {
            case "level" where level == nil: level = member.value.lowercased()
            case "timestamp" where timestamp == nil:
                let text = Array(member.value.utf8)
                timestamp = Timestamp.parse(text)
                impossibleTimestamp = timestamp == nil && text.withUnsafeBufferPointer(Timestamp.namesImpossibleMoment)
            default: fields.append(member.key, member.value)
            }
        }
        var parsed = LogLine(
            number: number, format: .json, timestamp: timestamp, level: level, event: event, fields: fields,
            hadInvalidUTF8: reader.replacedInvalidUTF8)
        parsed.hadImpossibleTimestamp = impossibleTimestamp
        return parsed
    }
}

struct JSONObjectReader {
    struct Member {
        var key: String
        var value: String
        var isString: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    private var decoder = LossyDecoder()
    var replacedInvalidUTF8: Bool { decoder.replaced }

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    /// The members of the one object that makes up the whole input, or nil.
    mutating func readObject() -> [Member]? {
        skipWhitespace()
        guard current == 0x7B else { return nil }
        position += 1
        var members: [Member] = []
        skipWhitespace()
        if current == 0x7D {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard current == 0x22, let key = readString() else { return nil }
                skipWhitespace()
                guard current == 0x3A else { return nil }
                position += 1
                skipWhitespace()
                guard let (value, isString) = readValue() else { return nil }
                members.append(Member(key: key, value: value, isString: isString))
                skipWhitespace()
                if current == 0x2C {
                    position += 1
                    continue
                }
                guard current == 0x7D else { return nil }
                position += 1
                break
            }
        }
        skipWhitespace()
        return position == bytes.count ? members : nil
    }

    private mutating func readValue() -> (String, Bool)? {
        guard let b = current else { return nil }
        switch b {
        case 0x22: return readString().map { ($0, true) }
        case 0x7B, 0x5B: return skipNested().map { ($0, false) }
        default:
            let start = position
            while let c = current, c != 0x2C, c != 0x7D, c != 0x20, c != 0x09, c != 0x0A, c != 0x0D { position += 1 }
            let token = text(start, position)
            switch token {
            case "true": return ("True", false)
            case "false": return ("False", false)
            case "null": return ("None", false)
            default:
                guard let first = token.utf8.first, first == 0x2D || (first >= 0x30 && first <= 0x39) else {
                    return nil
                }
                return (token, false)
            }
        }
    }

    /// A nested object or array, kept as its raw text (strings inside are skipped whole).
    private mutating func skipNested() -> String? {
        let start = position
        var depth = 0
        while let b = current {
            switch b {
            case 0x22:
                guard readString() != nil else { return nil }
                continue
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth == 0 {
                    position += 1
                    return text(start, position)
                }
            default: break
            }
            position += 1
        }
        return nil
    }

    /// A JSON string starting at the opening quote; escapes decoded, lone surrogates as U+FFFD.
    private mutating func readString() -> String? {
        position += 1
        let start = position
        // Fast path: no escapes.
        while let b = current, b != 0x22, b != 0x5C { position += 1 }
        guard let stop = current else { return nil }
        if stop == 0x22 {
            position += 1
            return text(start, position - 1)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text(start, position).unicodeScalars)
        var runStart = position
        while let b = current {
            if b == 0x22 {
                scalars.append(contentsOf: text(runStart, position).unicodeScalars)
                position += 1
                return String(scalars)
            }
            guard b == 0x5C else {
                position += 1
                continue
            }
            scalars.append(contentsOf: text(runStart, position).unicodeScalars)
            position += 1
            guard let e = current else { return nil }
            position += 1
            switch e {
            case 0x22: scalars.append("\"")
            case 0x5C: scalars.append("\\")
            case 0x2F: scalars.append("/")
            case 0x62: scalars.append("\u{08}")
            case 0x66: scalars.append("\u{0C}")
            case 0x6E: scalars.append("\n")
            case 0x72: scalars.append("\r")
            case 0x74: scalars.append("\t")
            case 0x75:
                guard let unit = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(unit), current == 0x5C, position + 1 < bytes.count,
                    bytes[position + 1] == 0x75
                {
                    let save = position
                    position += 2
                    if let low = hex4(), (0xDC00...0xDFFF).contains(low),
                        let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    {
                        scalars.append(scalar)
                    } else {
                        position = save
                        scalars.append("\u{FFFD}")
                    }
                } else {
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default: return nil
            }
            runStart = position
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func text(_ start: Int, _ end: Int) -> String { decoder.string(bytes, start, end) }
}
