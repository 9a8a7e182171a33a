import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One entry point, as `importlib.metadata.EntryPoint` describes it.
public struct EntryPoint: Codable, Hashable, Sendable {
    /// The entry point's name (the key left of `=`), e.g. `s3`.
    public var name: String
    /// The group (INI section) it belongs to, e.g. `meltano.state_backends`.
    public var group: String
    /// The object reference right of `=`, e.g. `meltano.core.state_store.s3:S3StateStoreManager`.
    public var value: String
    /// The metadata folder that declared it, e.g. `meltano-3.7.9.dist-info`.
    public var distribution: String

    /// Creates an entry point.
    public init(name: String, group: String, value: String, distribution: String) {
        self.name = name
        self.group = group
        self.value = value
        self.distribution = distribution
    }
}

/// The `entry_points.txt` parser of CPython 3.10–3.13 (`importlib.metadata.Sectioned` plus
/// `Pair.parse`), reproduced rule for rule:
/// - lines are split as `str.splitlines()` splits them and stripped as `str.strip()` strips;
/// - empty lines and lines starting with `#` are dropped (`;` is *not* a comment: `;x = 1` is an
///   entry point named `;x`);
/// - a line that starts with `[` and ends with `]` is a header; the group is the line with every
///   leading and trailing `[`/`]` removed (`value.strip('[]')`), inner spaces kept;
/// - lines before the first header are ignored, even ones without `=`;
/// - other lines split at the first `=`, both sides stripped; a line without `=` makes CPython
///   raise (`TypeError` from `Pair.__new__`), which aborts the whole `entry_points()` call.
public enum EntryPointsText {
    /// Parses one file's text. Returns `nil` where CPython would raise (a value line without `=`
    /// under a header), so the caller can skip the whole file instead of crashing.
    public static func parse(_ text: String, distribution: String) -> [EntryPoint]? {
        var result: [EntryPoint] = []
        var group: String?
        for raw in splitLines(text) {
            let line = strip(raw[...])
            guard let first = line.first, first != "#" else { continue }
            if first == "[", line.last == "]" {
                group = String(String.UnicodeScalarView(stripBrackets(line)))
                continue
            }
            guard let group else { continue }  // `section.name is None`: before any header
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let name = strip(line[..<equals])
            let value = strip(line[line.index(after: equals)...])
            result.append(
                EntryPoint(
                    name: String(String.UnicodeScalarView(name)),
                    group: group,
                    value: String(String.UnicodeScalarView(value)),
                    distribution: distribution))
        }
        return result
    }

    /// The same rules on bytes, for the common case of a pure-ASCII file: no `String` per line and
    /// no scalar arrays, which makes the scan several times faster. The fuzzer checks it against
    /// `parse(_:distribution:)` on every ASCII input.
    /// - Precondition: every byte is below 0x80 (`isASCII`).
    public static func parseASCII(_ bytes: [UInt8], distribution: String) -> [EntryPoint]? {
        var result: [EntryPoint] = []
        var groups: [String] = []
        let parsed = bytes.withUnsafeBufferPointer {
            appendASCII($0, distribution: distribution, to: &result, groups: &groups)
        }
        return parsed ? result : nil
    }

    /// `parseASCII` appending straight to the scan's result (no array per file). Returns false,
    /// with `result` as it was, where CPython would raise.
    /// - Parameter groups: group names seen lately, shared across files so that the same group
    ///   name (`console_scripts`, ...) is one `String`, not one allocation per header.
    static func appendASCII(
        _ b: UnsafeBufferPointer<UInt8>, distribution: String, to result: inout [EntryPoint],
        groups: inout [String]
    ) -> Bool {
        let before = result.count
        var group: String?
        var i = 0
        let n = b.count
        // `str.splitlines()` breaks and `str.isspace()` among ASCII, as bit masks over the byte value.
        func isBreak(_ c: UInt8) -> Bool { c <= 0x1E && (0x7000_3C00 as UInt32) >> c & 1 != 0 }
        func isSpace(_ c: UInt8) -> Bool { c <= 0x20 && (0x1_F000_3E00 as UInt64) >> c & 1 != 0 }
        func strip(_ range: Range<Int>) -> Range<Int> {
            var lo = range.lowerBound
            var hi = range.upperBound
            while lo < hi, isSpace(b[lo]) { lo += 1 }
            while hi > lo, isSpace(b[hi - 1]) { hi -= 1 }
            return lo..<hi
        }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        while i < n {
            // One pass to the line break, noting the first "=".
            var end = i
            var equals = -1
            while end < n {
                guard end < n else { break }
                let c = b[end]
                if isBreak(c) { break }
                if c == UInt8(ascii: "="), equals < 0 { equals = end }
                end += 1
            }
            let line = strip(i..<end)
            // Past the break; \r\n is one break.
            i = end < n && b[end] == 0x0D && end + 1 < n && b[end + 1] == 0x0A ? end + 2 : end + 1
            guard !line.isEmpty, b[line.lowerBound] != UInt8(ascii: "#") else { continue }
            if b[line.lowerBound] == UInt8(ascii: "["), b[line.upperBound - 1] == UInt8(ascii: "]") {
                var lo = line.lowerBound
                var hi = line.upperBound
                while lo < hi, b[lo] == UInt8(ascii: "[") || b[lo] == UInt8(ascii: "]") { lo += 1 }
                while hi > lo, b[hi - 1] == UInt8(ascii: "[") || b[hi - 1] == UInt8(ascii: "]") { hi -= 1 }
                group = groupName(UnsafeBufferPointer(rebasing: b[lo..<hi]), groups: &groups)
                continue
            }
            guard let group else { continue }
            guard equals >= 0 else {
                result.removeSubrange(before...)
                return false
            }
            result.append(
                EntryPoint(
                    name: text(strip(line.lowerBound..<equals)), group: group,
                    value: text(strip((equals + 1)..<line.upperBound)), distribution: distribution))
        }
        return true
    }

    // The group name of `bytes`, reused from `groups` when it is there (a few recent ones are kept).
    private static func groupName(_ bytes: UnsafeBufferPointer<UInt8>, groups: inout [String]) -> String {
        for known in groups.reversed() where known.utf8.count == bytes.count {
            let same =
                known.utf8.withContiguousStorageIfAvailable {
                    memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                }
                ?? known.utf8.elementsEqual(bytes)
            if same { return known }
        }
        let name = String(decoding: bytes, as: UTF8.self)
        if groups.count == 16 { groups.removeFirst() }
        groups.append(name)
        return name
    }

    /// Whether `parseASCII` applies.
    public static func isASCII(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(ByteWord.isASCII) }

    // Line boundaries of `str.splitlines()`: \n \v \f \r (\r\n as one) \x1c \x1d \x1e \x85 \u2028 \u2029.
    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    // `str.isspace()`: Unicode White_Space plus the separators \x1c–\x1f. Not U+FEFF (a BOM stays).
    private static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
            0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    // Works on Unicode scalars, not Characters: Python indexes code points, and a combining mark
    // after `=` or `]` would otherwise merge with it into one grapheme.
    private static func splitLines(_ text: String) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue  // the \n of \r\n: the line was already closed at \r
            }
            previousWasCR = scalar == "\r"
            if isLineBreak(scalar) {
                lines.append(current)
                current = []
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private static func strip(_ scalars: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = scalars
        while let first = slice.first, isPythonSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isPythonSpace(last) { slice = slice.dropLast() }
        return slice
    }

    private static func stripBrackets(_ scalars: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = scalars
        while let first = slice.first, first == "[" || first == "]" { slice = slice.dropFirst() }
        while let last = slice.last, last == "[" || last == "]" { slice = slice.dropLast() }
        return slice
    }
}
