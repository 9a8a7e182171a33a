/// Reading Markdown a report wrote, as a renderer would.
public enum MarkdownRows {
    /// The unescaped `|` in a table row: a row keeps its columns when this count is the header's.
    public static func cellBreaks<S: StringProtocol>(_ row: S) -> Int {
        var count = 0
        var escaped = false
        for c in row {
            if c == "|" && !escaped { count += 1 }
            escaped = c == "\\" && !escaped
        }
        return count
    }
}
