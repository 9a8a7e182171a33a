import Foundation

/// Thrown for anything the scanner does not recognise; the caller then hands the line to `JSONDecoder`.
///
/// Why `EventLineDecoder` left a line to `JSONDecoder`: a key it does not know (named, with the
/// object it was in), or anything else outside its subset (a number it does not read exactly, a
/// repeated or missing key, an escape in a key...).
public struct UnrecognizedLine: Error, Sendable, Equatable, CustomStringConvertible {
    /// The unknown key, when that was the reason.
    public var key: String?
    /// The object the unknown key was in (`event`, `outcome`, `storage`...).
    public var object: String?

    init() {}

    init(key: UnsafeRawBufferPointer, in object: String) {
        self.key = String(decoding: key, as: UTF8.self)
        self.object = object
    }

    public var description: String {
        guard let key else { return "outside the fast decoder's subset" }
        return "unknown key '\(key)' in \(object ?? "the line")"
    }
}

/// A small strict JSON scanner over UTF-8 bytes: values are read straight into Swift types, with no
/// intermediate tree. It accepts a subset of what `JSONDecoder` accepts and gives the same values
/// for it; anything else throws `UnrecognizedLine` (see `EventLineDecoder`).
struct JSONByteScanner {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { i >= bytes.count }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then consumes `byte` or throws.
    mutating func expect(_ byte: UInt8) throws(UnrecognizedLine) {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw UnrecognizedLine() }
        i += 1
    }

    /// Consumes `byte` if it comes next (after whitespace).
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// Reads `{`, then calls `member` with each key (its bytes, no escapes allowed) positioned at
    /// its value, until `}`.
    mutating func object(_ member: (inout JSONByteScanner, UnsafeRawBufferPointer) throws(UnrecognizedLine) -> Void)
        throws(UnrecognizedLine)
    {
        try expect(UInt8(ascii: "{"))
        if take(UInt8(ascii: "}")) { return }
        repeat {
            try expect(UInt8(ascii: "\""))
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                guard bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 else { throw UnrecognizedLine() }
                i += 1
            }
            guard i < bytes.count else { throw UnrecognizedLine() }
            let key = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
            i += 1
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try member(&self, key)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// Reads `[`, calling `element` for each value, until `]`.
    mutating func array(_ element: (inout JSONByteScanner) throws(UnrecognizedLine) -> Void) throws(UnrecognizedLine) {
        try expect(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) { return }
        repeat {
            skipSpace()
            try element(&self)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    /// Consumes `null` if it comes next: the value of an absent optional.
    mutating func null() -> Bool {
        guard i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "n"), bytes[i + 1] == UInt8(ascii: "u"),
            bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "l")
        else { return false }
        i += 4
        return true
    }

    mutating func bool() throws(UnrecognizedLine) -> Bool {
        if i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "t"), bytes[i + 1] == UInt8(ascii: "r"),
            bytes[i + 2] == UInt8(ascii: "u"), bytes[i + 3] == UInt8(ascii: "e")
        {
            i += 4
            return true
        }
        if i + 5 <= bytes.count, bytes[i] == UInt8(ascii: "f"), bytes[i + 1] == UInt8(ascii: "a"),
            bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "s"), bytes[i + 4] == UInt8(ascii: "e")
        {
            i += 5
            return false
        }
        throw UnrecognizedLine()
    }

    /// A plain integer (`-`? digits, no leading zero, no fraction or exponent) within `T`'s range.
    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(UnrecognizedLine) -> T {
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        if negative {
            guard T.isSigned else { throw UnrecognizedLine() }
            i += 1
        }
        let start = i
        var value: T = 0
        while i < bytes.count, bytes[i] &- 0x30 < 10 {
            let digit = T(bytes[i] &- 0x30)
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw UnrecognizedLine() }
            value = next
            i += 1
        }
        guard i > start, i - start == 1 || bytes[start] != UInt8(ascii: "0") else { throw UnrecognizedLine() }
        // A fraction or exponent: JSONDecoder may still take it; let it decide.
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            throw UnrecognizedLine()
        }
        return value
    }

    /// A JSON number as a Double, correctly rounded (strtod on the validated span).
    mutating func double() throws(UnrecognizedLine) -> Double {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        skipDigits()
        guard i > intStart, i - intStart == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw UnrecognizedLine() }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            skipDigits()
            guard i > fractionStart else { throw UnrecognizedLine() }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let exponentStart = i
            skipDigits()
            guard i > exponentStart else { throw UnrecognizedLine() }
        }
        // strtod needs a terminator it will not read past: in a well-formed line one always follows.
        guard i < bytes.count, i - start < 64 else { throw UnrecognizedLine() }
        var text = (UInt8(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &text) { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            buffer[i - start] = 0
            return strtod(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), nil)
        }
    }

    private mutating func skipDigits() {
        while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
    }

    /// A string's bytes, for one without escapes (an enum's raw value); anything else throws.
    mutating func plainString() throws(UnrecognizedLine) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 else { throw UnrecognizedLine() }
            i += 1
        }
        guard i < bytes.count, i > start else { throw UnrecognizedLine() }
        i += 1
        return UnsafeRawBufferPointer(rebasing: bytes[start..<i - 1])
    }

    /// A string; escapes decoded, surrogate pairs joined. Invalid UTF-8, control characters and lone
    /// surrogates throw (JSONDecoder's verdict on those is its own).
    mutating func string() throws(UnrecognizedLine) -> String {
        try expect(UInt8(ascii: "\""))
        let start = i
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                i += 1
                // ASCII is valid UTF-8 as it stands: copied without the (generic, slower) validation.
                if ascii {
                    return String(unsafeUninitializedCapacity: raw.count) {
                        UnsafeMutableRawBufferPointer($0).copyMemory(from: raw)
                        return raw.count
                    }
                }
                guard let text = String(validating: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
                    throw UnrecognizedLine()
                }
                return text
            }
            ascii = ascii && b < 0x80
            if b == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard b >= 0x20 else { throw UnrecognizedLine() }
            i += 1
        }
        throw UnrecognizedLine()
    }

    /// The slow path of `string()`, from the first backslash on.
    private mutating func escapedString(from start: Int) throws(UnrecognizedLine) -> String {
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw UnrecognizedLine() }
                return text
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw UnrecognizedLine() }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let character = try unicodeEscape()
                    out.append(contentsOf: String(character).utf8)
                default: throw UnrecognizedLine()
                }
            default:
                guard b >= 0x20 else { throw UnrecognizedLine() }
                out.append(b)
            }
        }
        throw UnrecognizedLine()
    }

    /// After `\u`: four hex digits, and a low surrogate's escape after a high one.
    private mutating func unicodeEscape() throws(UnrecognizedLine) -> Character {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first) {
            guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
            else { throw UnrecognizedLine() }
            i += 2
            let second = try hex4()
            guard (0xDC00..<0xE000).contains(second),
                let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            else { throw UnrecognizedLine() }
            return Character(scalar)
        }
        guard let scalar = Unicode.Scalar(first) else { throw UnrecognizedLine() }
        return Character(scalar)
    }

    private mutating func hex4() throws(UnrecognizedLine) -> UInt32 {
        guard i + 4 <= bytes.count else { throw UnrecognizedLine() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i] | 0x20
            let digit: UInt8
            if b &- 0x30 < 10 {
                digit = b &- 0x30
            } else if b >= UInt8(ascii: "a"), b <= UInt8(ascii: "f") {
                digit = b - UInt8(ascii: "a") + 10
            } else {
                throw UnrecognizedLine()
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes spell `key` (an ASCII literal).
    @inline(__always)
    func `is`(_ key: StaticString) -> Bool {
        count == key.utf8CodeUnitCount && memcmp(baseAddress!, key.utf8Start, count) == 0
    }
}
