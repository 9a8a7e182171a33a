import Foundation
import Logs
import Model
import TestSupport
import Testing

/// The timeline's Markdown with job names and file names from outside: a log is anybody's text.
@Suite struct TimelineMarkdownTests {
    static let hostile = "evil\r| x ``` </details> <img src=x onerror=alert(1)>\n# heading"

    /// No carriage return, no raw HTML outside code spans (a `<` not backslash-escaped), no heading
    /// but the tool's, every row of a table as wide as its header.
    static func checkStructure(_ markdown: String) {
        #expect(!markdown.contains("\r"))
        var columns: Int? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(!hasRawTag(outsideCodeSpans(line)), "\(line)")
            if line.hasPrefix("#") { #expect(line.hasPrefix("## "), "\(line)") }
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            #expect(MarkdownRows.cellBreaks(line) == (columns ?? MarkdownRows.cellBreaks(line)), "\(line)")
            columns = columns ?? MarkdownRows.cellBreaks(line)
        }
    }

    static func hasRawTag(_ text: String) -> Bool {
        var escaped = false
        for c in text {
            if c == "<" && !escaped { return true }
            escaped = c == "\\" && !escaped
        }
        return false
    }

    /// The line without its code spans: a run of n backticks up to the next run of exactly n.
    static func outsideCodeSpans(_ line: Substring) -> String {
        var out = ""
        var rest = line[...]
        while let open = rest.firstIndex(of: "`") {
            let width = rest[open...].prefix { $0 == "`" }.count
            let fence = String(repeating: "`", count: width)
            var search = rest.index(open, offsetBy: width)
            var close: Substring.Index? = nil
            while let r = rest[search...].range(of: fence) {
                let after = rest[r.upperBound...].prefix { $0 == "`" }.count
                let before = r.lowerBound > rest.startIndex && rest[rest.index(before: r.lowerBound)] == "`"
                if after == 0 && !before {
                    close = r.upperBound
                    break
                }
                search = rest.index(r.upperBound, offsetBy: after)
            }
            out += rest[..<open]
            guard let close else { return out + rest[open...] }
            rest = rest[close...]
        }
        return out + rest
    }

    @Test func aHostileJobNameAndFileNameStayText() throws {
        var log = LogFixtures.parse(lines: try BadLogTests.firstRun(), name: Self.hostile)
        log.runs[0].jobName = Self.hostile
        let text = TimelineMarkdown.render(log)
        Self.checkStructure(text)
        #expect(text.hasPrefix("## evil␍\\| x"), "\(text)")

        var other = log
        other.runs[0].jobName = Self.hostile + "!"
        let comparison = TimelineComparison(baseline: [log], regressed: [other])
        let compared = TimelineMarkdown.render(comparison, baseline: [Self.hostile], regressed: ["b\r.log"])
        Self.checkStructure(compared)
        #expect(compared.contains("- baseline only: "), "\(compared)")
    }

    @Test func logTextInAReasonStaysInItsCodeSpan() throws {
        // A failed block whose error text holds a fence, a fold's end and raw HTML.
        var lines = try BadLogTests.firstRun()
        let end = try #require(lines.lastIndex { $0.contains("Block run completed") })
        lines[end] = lines[end].replacingOccurrences(of: "err=None", with: "err='``` </details><img src=x>'")
            .replacingOccurrences(of: "success=True", with: "success=False")
        let text = TimelineMarkdown.render(LogFixtures.parse(lines: lines))
        #expect(text.contains("block failed (err=````"), "\(text)")
        Self.checkStructure(text)
    }
}
