/// Prefix and suffix tests on UTF-8 bytes, for the fixed ASCII texts the log readers look for.
///
/// `hasPrefix` on a `Substring` compares `Character`s, grapheme by grapheme, with Unicode
/// normalization: a log whose lines are a stray byte and a combining mark cost about 9 µs a line
/// there (found by the timeline fuzzer). A byte comparison costs what the prefix is long. The texts
/// are ASCII, so the only lines this reads differently are ones whose next character combines with
/// the prefix's last (`meltano ` followed by U+0301), which no program prints.
extension StringProtocol {
    func hasBytePrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { utf8.starts(with: $0) }
    }

    func hasByteSuffix(_ suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { wanted in
            utf8.count >= wanted.count && utf8.suffix(wanted.count).elementsEqual(wanted)
        }
    }
}
