import Foundation

/// The one way a string from outside the tool (a job name read from a log, a log's file name, a
/// scenario's `description`, a knob's value, an error message) enters Markdown: escaped for the
/// context it lands in, so that it reads as the text it is and never opens or closes a table row,
/// a code span or block, a `<details>` fold, a heading or raw HTML (docs/usage.md, "Text from
/// outside in reports").
///
/// Control characters never reach the output raw: in one-line contexts every control character
/// (a lone CR and LF included) is shown as its Unicode control picture (`␍`, `␊`), C1 controls and
/// bidirectional overrides as `�`; in a fenced block only LF is kept.
public enum Markdown {
    /// Where the text lands.
    public enum Context: Equatable, Sendable {
        /// Inside a line of prose, or a heading's text: Markdown's inline marks and raw HTML are
        /// backslash-escaped, and so are the marks that mean something at the start of a line.
        case prose
        /// A cell of a table: as prose, with `|` escaped too (`tableRow` escapes a pipe the cell's
        /// own markup holds).
        case tableCell
        /// A whole code span, delimiters included: a backtick run longer than any inside.
        case codeSpan
        /// A whole fenced code block (`info` after the opening fence): a fence longer than any
        /// backtick run inside; lines kept.
        case fencedBlock(info: String)
        /// The text of a `<details>` `<summary>`, an HTML element: `&`, `<`, `>` as entities.
        case summary
    }

    /// `text` escaped for `context`.
    public static func escape(_ text: String, _ context: Context) -> String {
        switch context {
        case .prose: return inline(text, lineStart: true)
        case .tableCell: return inline(text, lineStart: false)
        case .codeSpan: return codeSpan(oneLine(text))
        case .fencedBlock(let info): return fencedBlock(text, info: oneLine(info))
        case .summary: return html(oneLine(text))
        }
    }

    /// One row of a GitHub table from cells that are Markdown already: every control character made
    /// visible (a row is one line) and every `|` not already backslash-escaped escaped, so that no
    /// cell, whatever it holds, adds or removes a column.
    public static func tableRow(_ cells: [String]) -> String {
        var row = ""
        appendTableRow(cells, to: &row)
        return row
    }

    /// `tableRow(cells)` appended to `out`, without a row string of its own (a table of 20,000 rows).
    public static func appendTableRow(_ cells: [String], to out: inout String) {
        out += "| "
        for (i, cell) in cells.enumerated() {
            if i > 0 { out += " | " }
            // Most cells (numbers, names) are printable ASCII without a pipe: one scan, no copy.
            out += isPlain(cell, except: pipe) ? cell : escapePipes(oneLine(cell))
        }
        out += " |"
    }

    // MARK: - Contexts

    /// Marks with a meaning at the start of a line (headings, quotes, lists, setext underlines).
    static let lineStartMarks: Set<Character> = ["#", ">", "-", "+", "=", "*"]

    static func inline(_ text: String, lineStart: Bool) -> String {
        // Most texts (job names, file names) hold no mark at all: printable ASCII without a mark,
        // and without one of the marks a line cannot start with, is its own escape.
        if isPlain(text, except: inlineMarks) && (!lineStart || !needsLineStartEscape(text)) { return text }
        // On UTF-8 bytes, not characters: every mark is ASCII, and an ASCII byte is never part of
        // another character's bytes (a log's job name can be hundreds of non-ASCII characters).
        // The escaped text is the line's slices between marks, each copied as it is (a slice of a
        // valid `String` is not validated again), and a backslash before each mark.
        let line = oneLine(text)
        var bytes = line
        let marks = bytes.withUTF8 { source in
            var marks: [Int] = []
            var i = 0
            while i < source.count {
                // Every mark is ASCII: eight bytes none of which is ASCII are passed over at once.
                if i + 8 <= source.count, ByteWord.holdsNoASCII(ByteWord.load(source, at: i)) {
                    i += 8
                    continue
                }
                if inlineMarks.contains(source[i])
                    && (source[i] != 0x5F
                        || !(isWordCharacter(scalar(endingBefore: i, in: source))
                            && isWordCharacter(scalar(startingAt: i + 1, in: source))))
                {
                    marks.append(i)
                }
                i += 1
            }
            return marks
        }
        var out = ""
        out.reserveCapacity(line.utf8.count + marks.count)
        var copied = line.startIndex
        for i in marks {
            let mark = line.utf8.index(line.startIndex, offsetBy: i)
            out.append(contentsOf: line[copied..<mark])
            out.append("\\")
            copied = mark
        }
        out.append(contentsOf: line[copied...])
        guard lineStart, let first = out.first else { return out }
        // `1.` or `1)` would start an ordered list, and leading spaces a code block, in a line of their own.
        if lineStartMarks.contains(first) {
            return "\\" + out
        }
        let digits = out.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let mark = out.dropFirst(digits.count).first, mark == "." || mark == ")" {
            return digits + "\\" + out.dropFirst(digits.count)
        }
        return out
    }

    static let pipe = ASCIISet([0x7C])

    /// Marks with a meaning anywhere in a line (emphasis, code, links, raw HTML, entities, GFM's
    /// strikethrough and tables), and `_` (emphasis unless inside a word): text without any of them
    /// needs no backslash.
    static let inlineMarks = ASCIISet(Array("\\`*[]<>&~|_".utf8))

    /// Whether `text` is printable ASCII (no control character, nothing beyond U+007E) holding
    /// none of `marks`: then no escape of this file changes it.
    static func isPlain(_ text: String, except marks: ASCIISet) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes {
                if byte < 0x20 || byte >= 0x7F || marks.contains(byte) { return false }
            }
            return true
        }
    }

    /// Whether plain ASCII `text` starts with a line-start mark, or with digits and `.` or `)`.
    static func needsLineStartEscape(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        if lineStartMarks.contains(Character(Unicode.Scalar(first))) { return true }
        let afterDigits = text.utf8.first { !($0 >= 0x30 && $0 <= 0x39) }
        return first >= 0x30 && first <= 0x39 && (afterDigits == 0x2E || afterDigits == 0x29)
    }

    /// The scalar whose UTF-8 begins at `bytes[index]`, if any.
    static func scalar(startingAt index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard index < bytes.count else { return nil }
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }

    /// The scalar whose UTF-8 ends just before `bytes[index]`, if any.
    static func scalar(endingBefore index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard index > 0 else { return nil }
        var start = index - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }  // back over continuation bytes
        return scalar(startingAt: start, in: bytes)
    }

    /// An underscore between two of these cannot open or close emphasis (GFM's intraword rule):
    /// a letter (the categories `Character.isLetter` reads) or a number.
    static func isWordCharacter(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return scalar.properties.numericType != nil
        }
    }

    static func codeSpan(_ text: String) -> String {
        let fence = String(repeating: "`", count: longestBacktickRun(text) + 1)
        // A span that starts or ends with a backtick, or with a space at both ends, needs one space
        // each side (which Markdown strips again).
        let pad = text.hasPrefix("`") || text.hasSuffix("`") || (text.hasPrefix(" ") && text.hasSuffix(" "))
        let body = pad ? " \(text) " : text
        return fence + (body.isEmpty ? " " : body) + fence
    }

    static func fencedBlock(_ text: String, info: String) -> String {
        // The block's own last line break is the fence's.
        let body = text.hasSuffix("\n") ? text.dropLast() : Substring(text)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { oneLine(String($0)) }
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
        return fence + info + "\n" + lines.joined(separator: "\n") + "\n" + fence + "\n"
    }

    static func html(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func longestBacktickRun(_ text: String) -> Int {
        // On bytes: a backtick is ASCII, never inside another character's bytes, and Markdown
        // counts a fence's backticks as code points (one followed by a combining mark still counts).
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            run = byte == 0x60 ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    static func escapePipes(_ cell: String) -> String {
        var bytes = cell
        if bytes.withUTF8({ $0.isEmpty || memchr($0.baseAddress!, 0x7C, $0.count) == nil }) { return cell }
        var out = ""
        var escaped = false
        for c in cell {
            if c == "|" && !escaped { out += "\\" }
            out.append(c)
            escaped = c == "\\" && !escaped
        }
        return out
    }

    // MARK: - Control characters

    /// The text on one line: every control character shown, none kept.
    public static func oneLine(_ text: String) -> String {
        if isPlain(text, except: ASCIISet([])) || !holdsControl(text) { return text }
        // On the UTF-8 bytes, the byte forms `holdsControl` finds (a String built scalar by scalar
        // cost the timeline fuzzer's slowest input most of its time).
        var text = text
        return text.withUTF8 { b in
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 16)
            func put(_ x: UInt8, _ y: UInt8, _ z: UInt8) {  // three appends: an array literal is made per call
                out.append(x)
                out.append(y)
                out.append(z)
            }
            var i = 0
            while i < b.count {
                let byte = b[i]
                if byte < 0x20 || byte == 0x7F {
                    put(0xE2, 0x90, byte == 0x7F ? 0xA1 : 0x80 + byte)  // U+2400 + byte, U+2421
                    i += 1
                } else if byte == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) {
                    put(0xEF, 0xBF, 0xBD)  // a C1 control
                    i += 2
                } else if byte == 0xE2, i + 2 < b.count,
                    (b[i + 1] == 0x80 && (0xA8...0xAE).contains(b[i + 2]))
                        || (b[i + 1] == 0x81 && (0xA6...0xA9).contains(b[i + 2]))
                {
                    put(0xEF, 0xBF, 0xBD)  // a separator or a bidirectional control
                    i += 3
                } else {
                    out.append(byte)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether `text` holds a character `visible` changes, read on its UTF-8 bytes: C0 controls and
    /// DEL are single bytes, C1 controls `C2 80`-`C2 9F`, the separators and bidirectional controls
    /// `E2 80 A8`-`E2 80 AE` and `E2 81 A6`-`E2 81 A9`.
    static func holdsControl(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            var i = 0
            while i < b.count {
                // Eight bytes at a time past those that can begin no control character (most of a
                // long text that is not ASCII: a job name of U+FFFD is EF BF BD, over and over).
                if i + 8 <= b.count,
                    !mayBeginControl(ByteWord.load(b, at: i))
                {
                    i += 8
                    continue
                }
                let byte = b[i]
                if byte < 0x20 || byte == 0x7F { return true }
                if byte == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) { return true }
                if byte == 0xE2, i + 2 < b.count {
                    if b[i + 1] == 0x80 && (0xA8...0xAE).contains(b[i + 2]) { return true }
                    if b[i + 1] == 0x81 && (0xA6...0xA9).contains(b[i + 2]) { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// Whether one of eight bytes is below 0x20, 0x7F, or C2 or E2 (the lead bytes of the C1
    /// controls and of the separators and bidirectional marks).
    @inline(__always)
    static func mayBeginControl(_ word: UInt64) -> Bool {
        ByteWord.containsByte(below: 0x20, word) || ByteWord.contains(word, 0x7F) || ByteWord.contains(word, 0xC2)
            || ByteWord.contains(word, 0xE2)
    }

    /// The rule `oneLine` applies on bytes (`MarkdownTests` holds the two together), scalar by scalar:
    /// a control character as something a reader sees and no renderer or terminal acts on.
    static func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x00...0x1F: return Unicode.Scalar(0x2400 + scalar.value)!  // ␀ ... ␟, ␍ and ␊ among them
        case 0x7F: return "\u{2421}"  // ␡
        // C1 controls, line and paragraph separators, bidirectional embeddings, overrides and isolates.
        case 0x80...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return "\u{FFFD}"
        default: return scalar
        }
    }
}

/// A set of ASCII bytes as 128 bits: one test a byte (a table row tests every cell, a job name can
/// be hundreds of bytes); a byte past ASCII is never in it.
struct ASCIISet {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(_ bytes: [UInt8]) {
        for byte in bytes where byte < 0x80 {
            if byte < 64 { low |= 1 << byte } else { high |= 1 << (byte - 64) }
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? (low >> byte) & 1 == 1 : byte < 128 && (high >> (byte - 64)) & 1 == 1
    }
}
