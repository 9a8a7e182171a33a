import Foundation
import Model

/// Turns the raw bytes of one log line into a `LogLine`: structlog console, structlog JSON, or plain.
///
/// Console lines are `TIMESTAMP [level    ] event key=value ...`. structlog's `ConsoleRenderer`
/// pads the event to 30 columns and prints the keys sorted, with string values unquoted, so the
/// key block is read from the end of the line: the trailing run of `key=value` tokens. A value
/// with spaces in it is taken only when its key sorts before the key after it and the value is
/// the last key's or reads as a Python repr (`err=RunnerError('Loader failed')`,
/// `exit_codes={<PluginType.LOADERS: 'loaders'>: 1}`); otherwise the words belong to the event.
/// An event that itself ends in `word=value` (a tap's `... server_id=17`) gives up that pair as
/// a key; the keys Meltano adds after it, printed later, win a lookup.
///
/// Meltano 4 adds a column between the level and the event: the plugin's name, or `meltano` for
/// Meltano's own lines, padded to 12 (and it hides most keys). The parser cannot tell that
/// column from a word of the event on a plugin's line, so it switches to reading it once it has
/// seen one of Meltano's own lines in that layout (`meltano` and padding), which a Meltano 4
/// process prints first. Parse a file's lines in order with one parser.
///
/// Never fails: bytes that fit no structlog format make a `.plain` line; bytes that are not
/// UTF-8 are replaced with U+FFFD and flagged; ANSI colour codes are removed first.
public struct StructlogLineParser: Sendable {
    /// Whether console lines carry Meltano 4's name column (set by the first line that shows it).
    public private(set) var readsNameColumn = false

    public init() {}

    /// Parses one line given without its line terminator (a trailing `\r` is dropped here).
    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) -> LogLine {
        var plainLine: LogLine?
        let structured = parse(bytes, number: number) { plainLine = Self.plainLine($0, number: number) }
        return structured ?? plainLine!
    }

    /// Parses a structlog line; a plain line is not made into a `LogLine` but handed to `plain`
    /// as its bytes (ANSI codes and a trailing `\r` removed, valid only during the call), and nil
    /// is returned. A log reader keeps few plain lines, and a 100 MB log can be all of them.
    public mutating func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, plain: (UnsafeBufferPointer<UInt8>) -> Void
    ) -> LogLine? {
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[0..<end])
        if ByteSearch.firstIndex(of: 0x1B, in: line, from: 0, to: line.count) != nil {
            let cleaned = Self.removingANSIEscapes(line)
            return cleaned.withUnsafeBufferPointer { cleaned in
                if let parsed = parseClean(cleaned, number: number) { return parsed }
                plain(cleaned)
                return nil
            }
        }
        if let parsed = parseClean(line, number: number) { return parsed }
        plain(line)
        return nil
    }

    /// Parses one line of text (convenience for tests and small inputs).
    public mutating func parse(_ text: String, number: Int) -> LogLine {
        var text = text
        return text.withUTF8 { parse($0, number: number) }
    }

    /// The structlog line, or nil for a plain one.
    private mutating func parseClean(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> LogLine? {
        // A structlog line begins with its timestamp, `[level`, or a JSON object (perhaps after
        // blanks): any other first byte, or none, makes a plain line without reading further.
        guard let first = line.first, (0x30...0x39).contains(first) || first == 0x5B || first == 0x7B || first == 0x20
        else { return nil }
        var decoder = LossyDecoder()
        var start = 0
        while start < line.count && line[start] == 0x20 { start += 1 }
        if start < line.count && line[start] == 0x7B, let parsed = JSONLogLineParser.parse(line, number: number) {
            return parsed
        }
        var scanner = ByteScanner(line)
        let timestamp = scanner.timestamp(requireEnd: false)
        if timestamp != nil {
            guard scanner.take(0x20) else { return nil }
        } else {
            scanner.position = 0
        }
        guard let level = Self.level(&scanner, strict: timestamp == nil) else { return nil }
        _ = scanner.take(0x20)
        if !readsNameColumn && Self.startsWithMeltanoColumn(line, at: scanner.position) { readsNameColumn = true }
        var source: String?
        if readsNameColumn {
            let start = scanner.position
            while let b = scanner.current, b != 0x20 { scanner.position += 1 }
            source = decoder.string(line, start, scanner.position)
            while scanner.current == 0x20 { scanner.position += 1 }
        }
        let (event, fields) = Self.eventAndFields(line, from: scanner.position, &decoder)
        return LogLine(
            number: number, format: .console, timestamp: timestamp, level: level, source: source, event: event,
            fields: fields, hadInvalidUTF8: decoder.replaced)
    }

    /// A plain line as a `LogLine`: the whole line is its event.
    static func plainLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> LogLine {
        var decoder = LossyDecoder()
        var plain = LogLine(
            number: number, format: .plain, event: decoder.string(line, 0, line.count), hadInvalidUTF8: decoder.replaced
        )
        plain.hadImpossibleTimestamp = Timestamp.namesImpossibleMoment(line)
        return plain
    }

    /// `meltano` then at least six spaces: Meltano 4's name column on one of its own lines.
    static func startsWithMeltanoColumn(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let column: StaticString = "meltano      "
        return column.withUTF8Buffer { column in
            guard line.count - start > column.count else { return false }
            for (i, b) in column.enumerated() where line[start + i] != b { return false }
            return true
        }
    }

    /// `[info     ]`: letters then padding. Without a timestamp in front, the word must be
    /// lowercase and the padding present, so a task runner's `[INFO] ...` stays plain.
    static func level(_ scanner: inout ByteScanner, strict: Bool) -> String? {
        guard scanner.take(0x5B), let base = scanner.bytes.baseAddress else { return nil }
        let start = scanner.position
        let end = min(scanner.bytes.count, start + 16)
        var letters = 0
        var spaces = 0
        var i = start
        while i < end {
            let b = base[i]
            if b == 0x5D { break }
            let isLetter = (b &- 0x61 < 26) || (!strict && b &- 0x41 < 26)
            if isLetter && spaces == 0 {
                letters += 1
            } else if b == 0x20 && letters > 0 {
                spaces += 1
            } else {
                return nil
            }
            i += 1
        }
        scanner.position = i
        guard letters > 0, scanner.take(0x5D), !strict || letters + spaces >= 8 else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: scanner.bytes[start..<(start + letters)])
        if let known = knownLevel(bytes) { return known }
        let word = String(decoding: bytes, as: UTF8.self)
        return bytes.contains { $0 < 0x61 } ? word.lowercased() : word  // letters only: >= 0x61 is lowercase
    }

    /// structlog's own levels, as the literals they are: every line has one, and a literal (a small
    /// string) is neither decoded nor allocated. Told apart by length first, then by their bytes.
    static func knownLevel(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        func isWord(_ word: StaticString) -> Bool { memcmp(word.utf8Start, bytes.baseAddress!, bytes.count) == 0 }
        switch bytes.count {
        case 4: return isWord("info") ? "info" : nil
        case 5: return isWord("debug") ? "debug" : isWord("error") ? "error" : nil
        case 7: return isWord("warning") ? "warning" : nil
        case 8: return isWord("critical") ? "critical" : nil
        case 9: return isWord("exception") ? "exception" : nil
        default: return nil
        }
    }

    /// Splits `line[from...]` into the event and its trailing, sorted `key=value` block.
    static func eventAndFields(
        _ line: UnsafeBufferPointer<UInt8>, from: Int,
        _ decoder: inout LossyDecoder
    ) -> (String, LogFields) {
        var found: [(keyStart: Int, keyEnd: Int, valueEnd: Int)] = []
        var end = line.count
        while end > from && line[end - 1] == 0x20 { end -= 1 }
        // No `=`, no key: the whole rest is the event (most of Meltano 4's lines, every `Environment` line).
        if ByteSearch.firstIndex(of: 0x3D, in: line, from: from, to: end) == nil {
            return (decoder.string(line, from, end), LogFields())
        }
        var valueEnd = end
        var tokenEnd = end
        var previousKey: (Int, Int)?
        while tokenEnd > from {
            var tokenStart = tokenEnd
            while tokenStart > from && line[tokenStart - 1] != 0x20 { tokenStart -= 1 }
            // A value without spaces is taken whatever its key; one with spaces only in sorted
            // order, and as the last key's or a repr.
            if let equals = keyEnd(line, tokenStart, tokenEnd),
                valueEnd == tokenEnd
                    || ((previousKey.map { less(line, (tokenStart, equals), $0) } ?? true)
                        && (previousKey == nil || looksLikeRepr(line, equals + 1, valueEnd)))
            {
                // A plugin line's eight keys and a few more in one allocation; none for a line without keys.
                if found.isEmpty { found.reserveCapacity(12) }
                found.append((tokenStart, equals, valueEnd))
                previousKey = (tokenStart, equals)
                valueEnd = tokenStart - 1
                while valueEnd > from && line[valueEnd - 1] == 0x20 { valueEnd -= 1 }
                tokenEnd = valueEnd
                continue
            }
            tokenEnd = tokenStart > from ? tokenStart - 1 : from
        }
        var fields = LogFields()
        fields.reserveCapacity(found.count)
        for f in found.reversed() {
            fields.append(
                decoder.string(line, f.keyStart, f.keyEnd),
                decoder.string(line, f.keyEnd + 1, max(f.keyEnd + 1, f.valueEnd)))
        }
        let eventEnd = found.last.map { max(from, $0.keyStart - 1) } ?? end
        var trimmed = eventEnd
        while trimmed > from && line[trimmed - 1] == 0x20 { trimmed -= 1 }
        return (decoder.string(line, from, trimmed), fields)
    }

    /// The index of `=` when `line[start..<end]` is `identifier=...`.
    static func keyEnd(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard start < end else { return nil }
        var i = start
        while i < end {
            let b = line[i]
            if b == 0x3D { return i > start ? i : nil }
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
            guard letter || (i > start && b >= 0x30 && b <= 0x39) else { return nil }
            i += 1
        }
        return nil
    }

    /// Byte order of two keys, as Python's `sorted` orders ASCII identifiers.
    static func less(_ line: UnsafeBufferPointer<UInt8>, _ a: (Int, Int), _ b: (Int, Int)) -> Bool {
        let la = a.1 - a.0
        let lb = b.1 - b.0
        for i in 0..<min(la, lb) where line[a.0 + i] != line[b.0 + i] { return line[a.0 + i] < line[b.0 + i] }
        return la < lb
    }

    /// A value with spaces in it is taken as one only when it reads as a Python repr: it starts
    /// with a bracket or quote, or with `Name(`.
    static func looksLikeRepr(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        switch line[start] {
        case 0x7B, 0x5B, 0x28, 0x27, 0x22, 0x3C: return true
        default:
            var i = start
            while i < end, line[i] != 0x20 {
                if line[i] == 0x28 { return i > start }
                i += 1
            }
            return false
        }
    }

    /// Drops `ESC [ ... final` (CSI) sequences and lone escapes.
    static func removingANSIEscapes(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = 0
        while i < line.count {
            if line[i] == 0x1B {
                i += 1
                if i < line.count && line[i] == 0x5B {
                    i += 1
                    while i < line.count && !(line[i] >= 0x40 && line[i] <= 0x7E) { i += 1 }
                }
                i += 1
                continue
            }
            out.append(line[i])
            i += 1
        }
        return out
    }
}

/// Decodes byte ranges as UTF-8, replacing invalid bytes with U+FFFD and remembering that it did.
struct LossyDecoder {
    private(set) var replaced = false

    mutating func string(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        guard start < end else { return "" }
        let slice = UnsafeBufferPointer(rebasing: line[start..<end])
        // Checked on the bytes (`String(validating:)` is generic and looks its metadata up on every
        // call); bad bytes are repaired here, not by `String(decoding:)`, which is slow per bad byte.
        if UTF8Validation.isValid(slice) { return String(decoding: slice, as: UTF8.self) }
        replaced = true
        return UTF8Validation.repairing(slice)
    }
}

/// Whether bytes are well-formed UTF-8 (what `String(decoding:as:)` keeps as it is: no overlong
/// forms, no surrogates, nothing past U+10FFFF), without making a `String`; and the repair the
/// standard library makes, done here for logs full of bad bytes.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if ByteWord.isASCII(bytes) { return true }
        var i = 0
        while i < bytes.count {
            let step = self.step(bytes, at: i)
            guard step > 0 else { return false }
            i += step
        }
        return true
    }

    /// The bytes as a `String`, bad bytes replaced by U+FFFD: every text the log readers make
    /// from a line's bytes is made here (or, where it must know whether it replaced, by the same two steps).
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : repairing(bytes)
    }

    /// The bytes as a `String` with each maximal ill-formed subpart (Unicode's "maximal subpart"
    /// practice, which `String(decoding:as:)` follows) replaced by U+FFFD. The standard library's
    /// own repair takes a slow path per bad byte. Here repaired bytes gather in a buffer that
    /// becomes text once (a `String` is validated as it is made); a long stretch of bad bytes is
    /// instead a slice of ready-made U+FFFDs, appended without being validated again (a job name
    /// of 400 bad bytes is 1,200 bytes of them).
    static func repairing(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out = ""
        var pending: [UInt8] = []
        pending.reserveCapacity(bytes.count + bytes.count / 2)
        var i = 0
        while i < bytes.count {
            let start = i
            var step = 0
            while i < bytes.count {
                step = self.step(bytes, at: i)
                if step < 0 { break }
                i += step
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
            var replacements = 0
            while i < bytes.count {
                step = self.step(bytes, at: i)
                if step > 0 { break }
                replacements += 1
                i -= step
            }
            if replacements >= 16 {
                flush(&pending, into: &out)
                appendReplacements(replacements, to: &out)
            } else {
                for _ in 0..<replacements {  // three appends: an array literal would be made each time
                    pending.append(0xEF)
                    pending.append(0xBF)
                    pending.append(0xBD)
                }
            }
        }
        flush(&pending, into: &out)
        return out
    }

    private static func flush(_ pending: inout [UInt8], into out: inout String) {
        guard !pending.isEmpty else { return }
        out.append(String(decoding: pending, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }

    /// The length of the well-formed sequence at `bytes[i]`, or minus the length of the maximal
    /// ill-formed subpart there (one U+FFFD each): every byte is read once.
    @inline(__always)
    private static func step(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        if bytes[i] < 0x80 { return 1 }
        guard let (length, _) = sequence(lead: bytes[i]) else { return -1 }
        let prefix = wellFormedPrefix(bytes, at: i)
        return prefix == length ? length : -prefix
    }

    /// 64 U+FFFD, sliced for a stretch of bad bytes (a slice of a `String` is appended without
    /// being validated again).
    private static let replacementRun = String(repeating: "\u{FFFD}", count: 64)

    private static func appendReplacements(_ count: Int, to out: inout String) {
        var left = count
        while left > 0 {
            let n = min(left, 64)
            let run = replacementRun
            out.append(contentsOf: run[..<run.utf8.index(run.startIndex, offsetBy: 3 * n)])
            left -= n
        }
    }

    /// How many bytes from `bytes[i]` begin a well-formed sequence (the lead and the continuation
    /// bytes that fit it): 0 for a byte that cannot lead one.
    private static func wellFormedPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        guard let (length, second) = sequence(lead: bytes[i]) else { return 0 }
        var k = 1
        while k < length && i + k < bytes.count && (k == 1 ? second : 0x80...0xBF).contains(bytes[i + k]) { k += 1 }
        return k
    }

    /// A multi-byte sequence's length and its second byte's range, by its lead byte (the range
    /// rules out overlong forms, surrogates and code points past U+10FFFF; any further byte is
    /// 0x80...0xBF); nil for a byte that leads none.
    private static func sequence(lead: UInt8) -> (Int, ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: nil
        }
    }
}
