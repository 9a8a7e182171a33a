import Model

/// A GitHub-flavoured Markdown table. Cells are Markdown; every row goes through `Markdown.tableRow`,
/// so no cell can add a column or end its row. Text from outside enters a cell as
/// `Markdown.escape(text, .tableCell)` (or `.codeSpan`).
public struct MarkdownTable {
    public let header: [String]
    /// Columns that hold numbers, aligned right.
    public let numeric: Set<Int>
    public var rows: [[String]] = []

    /// A table with these column titles; `numeric` columns are right-aligned.
    public init(_ header: [String], numeric: Set<Int> = []) {
        self.header = header
        self.numeric = numeric
    }

    /// Appends one row (as many cells as the header).
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as Markdown, ending with a newline.
    public var text: String {
        func line(_ cells: [String]) -> String { Markdown.tableRow(cells) }
        let rule = "|" + header.indices.map { numeric.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|"
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
