/// Text another program printed, made safe to show on a terminal: what a child process says goes
/// to the user only through `stripped`, so that it cannot move the cursor, retitle the window,
/// hide what follows or write a hyperlink (ANSI CSI and OSC sequences, other escapes, C0 and C1
/// controls). Printable text, newlines and tabs are kept as they came.
public enum TerminalText {
    /// `text` without control sequences and control characters (newline and tab kept).
    public static func stripped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x1B: skipEscape(&scalars)
            case 0x9B: skipControlSequence(&scalars)  // C1 CSI
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: skipString(&scalars)  // C1 DCS, SOS, OSC, PM, APC
            case 0x0A, 0x09: out.append(scalar)
            case 0x00..<0x20, 0x7F..<0xA0: break
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// After ESC: a CSI (`[`), a string sequence (`]`, `P`, `X`, `^`, `_`) or a short escape
    /// (intermediate bytes, then one final byte).
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let next = scalars.next() else { return }
        switch next {
        case "[": skipControlSequence(&scalars)
        case "]", "P", "X", "^", "_": skipString(&scalars)
        default:
            var byte = next.value
            while (0x20...0x2F).contains(byte), let following = scalars.next() { byte = following.value }
        }
    }

    /// Parameter and intermediate bytes (0x20–0x3F) up to the final byte, which goes with them.
    private static func skipControlSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next(), (0x20...0x3F).contains(scalar.value) {}
    }

    /// Up to BEL or the string terminator (ESC `\`, or C1 ST), or the end.
    private static func skipString(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x07, 0x9C: return
            case 0x1B:
                _ = scalars.next()  // `\` ends it; anything else after ESC is dropped with it
                return
            default: continue
            }
        }
    }
}
