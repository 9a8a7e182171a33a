import TestSupport
import Testing

@testable import Model

/// `Markdown.escape`: text from outside reads as itself in every context and never leaves it.
struct MarkdownTests {
    static let hostile = [
        "a\rb", "a\nb", "a|b", "a\\|b", "x\\", "```", "`", "</details>", "<img src=x onerror=alert(1)>",
        "# heading", "> quote", "- item", "1. item", "**bold**", "[link](http://x)", "&amp;", "a\u{1B}[31mred",
        "\u{202E}evil", "~~gone~~", "_a_",
    ]

    @Test func controlCharactersNeverReachTheOutputRaw() {
        for context in [Markdown.Context.prose, .tableCell, .codeSpan, .summary, .fencedBlock(info: "sh")] {
            let out = Markdown.escape("a\rb\u{1B}c\u{7F}d\u{85}e\u{2028}f\tg", context)
            #expect(!out.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
            #expect(out.contains("a␍b␛c␡d\u{FFFD}e\u{FFFD}f␉g"), "\(out)")
        }
        #expect(!Markdown.escape("a\nb", .prose).contains("\n"))
        #expect(Markdown.escape("a\nb", .fencedBlock(info: "")) == "```\na\nb\n```\n")
    }

    @Test func aTableCellNeverAddsAColumnOrEndsItsRow() {
        for text in Self.hostile {
            let row = Markdown.tableRow(["x", Markdown.escape(text, .tableCell), "`code|with pipe`", "y"])
            #expect(MarkdownRows.cellBreaks(row) == 5, "\(text): \(row)")
            #expect(!row.contains("\n") && !row.contains("\r"))
            // Every `<` of the text is escaped: GitHub reads no HTML.
            #expect(!row.replacingOccurrences(of: "\\<", with: "").contains("<"), "\(row)")
        }
        // A pipe already escaped is escaped once: `\\|` would end the cell on GitHub.
        #expect(Markdown.tableRow(["a\\|b", "c|d", "e\\\\|f"]) == "| a\\|b | c\\|d | e\\\\\\|f |")
    }

    @Test func proseEscapesInlineMarksAndLineStarts() {
        #expect(Markdown.escape("# heading", .prose) == "\\# heading")
        #expect(Markdown.escape("1. item", .prose) == "1\\. item")
        #expect(Markdown.escape("- item", .prose) == "\\- item")
        #expect(Markdown.escape("<img src=x onerror=alert(1)>", .prose) == "\\<img src=x onerror=alert(1)\\>")
        #expect(Markdown.escape("**bold** [l](u) `c`", .prose) == "\\*\\*bold\\*\\* \\[l\\](u) \\`c\\`")
        // A plain name stays as it is; an underscore inside a word cannot make emphasis.
        #expect(Markdown.escape("tap-github_to.target-3.7.9", .prose) == "tap-github_to.target-3.7.9")
        #expect(Markdown.escape("_a_", .prose) == "\\_a\\_")
    }

    @Test func aCodeSpanIsDelimitedBeyondAnyBacktickRunInside() {
        #expect(Markdown.escape("plain", .codeSpan) == "`plain`")
        #expect(Markdown.escape("a`b", .codeSpan) == "``a`b``")
        #expect(Markdown.escape("```", .codeSpan) == "```` ``` ````")
        #expect(Markdown.escape("", .codeSpan) == "` `")
    }

    @Test func aFencedBlockOutlastsAnyFenceInside() {
        let block = Markdown.escape("echo\n```\n# not a heading\n", .fencedBlock(info: "sh"))
        #expect(block == "````sh\necho\n```\n# not a heading\n````\n")
    }

    @Test func aSummaryIsHTMLText() {
        #expect(
            Markdown.escape("</summary></details><img onerror=x>", .summary)
                == "&lt;/summary&gt;&lt;/details&gt;&lt;img onerror=x&gt;")
    }

    /// The byte-level escapes agree with a reading scalar by scalar, on random text of marks,
    /// letters, digits, non-ASCII letters, combining marks, controls and separators.
    @Test func byteLevelEscapesAgreeWithAScalarByScalarReading() {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "7", " ", "_", "*", "|", "`", "<", "\\", "#", "1", ".", "é", "\u{301}", "日", "٣", "\u{1F600}",
            "\u{0}", "\r", "\n", "\u{7F}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{202E}", "\u{2066}", "\u{2069}",
            "\u{206A}", "\u{2027}", "\u{FFFD}", "\u{C2}", "\u{E2}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) {  // past 8 bytes: the skips that read 8 at a time
                scalars.append(alphabet.randomElement(using: &generator)!)
            }
            let text = String(scalars)
            let visible = String(String.UnicodeScalarView(text.unicodeScalars.map(Markdown.visible)))
            #expect(Markdown.oneLine(text) == visible, "\(text.debugDescription)")
            #expect(Markdown.escape(text, .tableCell) == Self.scalarInline(visible), "\(text.debugDescription)")
        }
    }

    /// The eight-byte test `holdsControl` skips by finds every byte that can begin a control
    /// character, at every position, among fillers of every kind.
    @Test func wordTestFindsEveryByteThatCanBeginAControl() {
        for filler in [UInt8(0x61), 0x20, 0x80, 0xBF, 0xEF, 0xFF] {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = byte
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let expected = bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }
                    #expect(Markdown.mayBeginControl(word) == expected, "\(bytes)")
                }
            }
        }
    }

    /// `Markdown.inline` without its line-start rule, scalar by scalar.
    static func scalarInline(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar.isASCII, Markdown.inlineMarks.contains(UInt8(scalar.value)) {
                let before = i > 0 ? scalars[i - 1] : nil
                let after = i + 1 < scalars.count ? scalars[i + 1] : nil
                if scalar != "_" || !(Markdown.isWordCharacter(before) && Markdown.isWordCharacter(after)) {
                    out.append("\\")
                }
            }
            out.append(scalar)
        }
        return String(out)
    }
}
