/// Text another program printed, made safe to show on a terminal: what a child process says goes
/// to the user only through `stripped`, so that it cannot move the cursor, retitle the window,
/// hide what follows or write a hyperlink (ANSI CSI and OSC sequences, other escapes, C0 and C1
/// controls). Printable text, newlines and tabs are kept as they came.
public enum TerminalText {
    /// `text` without control sequences and control characters (newline and tab kept).
    public static func stripped(_ text: String) -> String {
        String(decoding: stripped(utf8: Array(text.utf8)), as: UTF8.self)
    }

    /// The same on UTF-8 bytes (bytes that are not UTF-8 pass through, for the decoder to replace).
    static func stripped(utf8 bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let byte = b[i]
                if byte == 0x1B {
                    i = skipEscape(b, from: i + 1)
                } else if byte == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) {
                    // A C1 control: CSI and the string introducers take what follows with them.
                    switch b[i + 1] {
                    case 0x9B: i = skipControlSequence(b, from: i + 2)
                    case 0x90, 0x98, 0x9D, 0x9E, 0x9F: i = skipString(b, from: i + 2)
                    default: i += 2
                    }
                } else {
                    if byte == 0x0A || byte == 0x09 || (byte >= 0x20 && byte != 0x7F) { out.append(byte) }
                    i += 1
                }
            }
        }
        return out
    }

    /// After ESC: a CSI (`[`), a string sequence (`]`, `P`, `X`, `^`, `_`) or a short escape
    /// (intermediate bytes, then one final byte). Returns where the text resumes.
    private static func skipEscape(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < b.count else { return start }
        switch b[start] {
        case UInt8(ascii: "["): return skipControlSequence(b, from: start + 1)
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            return skipString(b, from: start + 1)
        default:
            var i = start
            while i < b.count, (0x20...0x2F).contains(b[i]) { i += 1 }
            return min(i + 1, b.count)
        }
    }

    /// Parameter and intermediate bytes (0x20–0x3F) up to the final byte, which goes with them.
    private static func skipControlSequence(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < b.count, (0x20...0x3F).contains(b[i]) { i += 1 }
        return min(i + 1, b.count)
    }

    /// Up to BEL or the string terminator (ESC `\`, or C1 ST), or the end.
    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < b.count {
            switch b[i] {
            case 0x07: return i + 1
            case 0x1B: return min(i + 2, b.count)  // `\` ends it; anything else after ESC goes with it
            case 0xC2 where i + 1 < b.count && b[i + 1] == 0x9C: return i + 2
            default: i += 1
            }
        }
        return i
    }
}
