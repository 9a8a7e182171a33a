import Foundation

/// Prefix and suffix tests on UTF-8 bytes, for the fixed ASCII texts the log readers look for.
///
/// `hasPrefix` on a `Substring` compares `Character`s, grapheme by grapheme, with Unicode
/// normalization: a log whose lines are a stray byte and a combining mark cost about 9 µs a line
/// there (found by the timeline fuzzer). A byte comparison costs what the prefix is long. The texts
/// are ASCII, so the only lines this reads differently are ones whose next character combines with
/// the prefix's last (`meltano ` followed by U+0301), which no program prints.
extension StringProtocol {
    func hasBytePrefix(_ prefix: StaticString) -> Bool {
        // A native string's bytes are contiguous: one memcmp rather than a generic walk.
        if let found = utf8.withContiguousStorageIfAvailable({ $0.hasBytePrefix(prefix) }) { return found }
        return prefix.withUTF8Buffer { utf8.starts(with: $0) }
    }

    func hasByteSuffix(_ suffix: StaticString) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.hasByteSuffix(suffix) }) { return found }
        return suffix.withUTF8Buffer { wanted in
            utf8.count >= wanted.count && utf8.suffix(wanted.count).elementsEqual(wanted)
        }
    }
}

/// The same tests on a line's bytes, for the readers that classify a line before (or instead of)
/// making it a `String`.
extension UnsafeBufferPointer where Element == UInt8 {
    func hasBytePrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { wanted in
            count >= wanted.count && memcmp(baseAddress!, wanted.baseAddress!, wanted.count) == 0
        }
    }

    func hasByteSuffix(_ suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { wanted in
            count >= wanted.count
                && memcmp(baseAddress! + (count - wanted.count), wanted.baseAddress!, wanted.count) == 0
        }
    }

    /// Whether the bytes are exactly `text`'s.
    func isBytes(_ text: StaticString) -> Bool { count == text.utf8CodeUnitCount && hasBytePrefix(text) }
}
