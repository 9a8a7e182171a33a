import Foundation

/// Charts as plain text for a fenced code block: they render the same in a GitHub issue, a pull
/// request comment and a terminal. Glyphs are block elements and ASCII, one column wide each.
public enum TextChart {
    /// Glyphs by rank of size: the largest series gets the densest, the next ones alternate light and
    /// dense, so that neighbouring large segments stay apart whatever their order. Distinct, one column each.
    static let glyphs: [Character] = [
        "█", "░", "▓", "=", ":", "·", "▒", "#", "+", "~", "*", "o", "%", "@", "x", "▀", "▄", "▌", "▐",
    ]

    /// Horizontal stacked bars: one bar per row, one glyph per series, the total at the end, an axis
    /// below and a legend of the series that show. Lines are at most `width` columns.
    public static func stackedBars(rows: [String], series: [String], values: [[Double]], unit: String, width: Int = 100)
        -> String
    {
        let labelWidth = min(rows.map(\.count).max() ?? 0, 24)
        let totals = values.map { $0.reduce(0, +) }
        let totalTexts = totals.map { String(format: "%.2f", $0) }
        let numberWidth = totalTexts.map(\.count).max() ?? 1
        let barWidth = max(10, min(64, width - labelWidth - 2 - 2 - numberWidth - 1 - unit.count))
        let maxTotal = max(totals.max() ?? 0, 1e-9)
        let step = SVGChart.tickStep(maxTotal, ticks: 5)
        let axisMax = ceil(maxTotal / step) * step
        let scale = Double(barWidth) / axisMax  // columns per unit
        let indent = String(repeating: " ", count: labelWidth + 2)

        // Each series' glyph by the rank of its largest value (ties in series order).
        let peaks = series.indices.map { s in values.map { s < $0.count ? $0[s] : 0 }.max() ?? 0 }
        let ranked = series.indices.sorted { peaks[$0] > peaks[$1] || (peaks[$0] == peaks[$1] && $0 < $1) }
        var glyphOf = [Int: Character]()
        for (rank, s) in ranked.enumerated() { glyphOf[s] = glyphs[rank % glyphs.count] }
        func glyph(_ s: Int) -> Character { glyphOf[s] ?? "?" }

        var lines: [String] = []
        var drawn = Set<Int>()
        for (r, row) in rows.enumerated() {
            var bar = ""
            var cumulative = 0.0
            var column = 0
            for (s, value) in values[r].enumerated() where value > 0 {
                cumulative += value
                let end = min(barWidth, Int((cumulative * scale).rounded()))
                if end > column {
                    bar += String(repeating: glyph(s), count: end - column)
                    drawn.insert(s)
                    column = end
                }
            }
            bar += String(repeating: " ", count: barWidth - column)
            let label = row.count > labelWidth ? String(row.prefix(labelWidth - 1)) + "…" : row
            let total = String(repeating: " ", count: numberWidth - totalTexts[r].count) + totalTexts[r]
            lines.append(
                label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + bar + "  " + total + " "
                    + unit)
        }

        // Axis: ├──┼──┤ under the bars, tick labels under that.
        let ticks = stride(from: 0.0, through: axisMax + step / 2, by: step).map { ($0, Int(($0 * scale).rounded())) }
        var axis = Array(repeating: Character("─"), count: barWidth + 1)
        for (_, col) in ticks where col <= barWidth { axis[col] = "┼" }
        axis[0] = "├"
        axis[barWidth] = "┤"
        lines.append(indent + String(axis))
        var labels = ""
        for (value, col) in ticks {
            let text = String(format: "%g", value) + (col >= barWidth ? " " + unit : "")
            guard col >= labels.count + (labels.isEmpty ? 0 : 1) else { continue }
            labels += String(repeating: " ", count: col - labels.count) + text
        }
        lines.append(indent + labels)

        // Legend, wrapped; then the series too small to draw anywhere.
        lines.append("")
        var line = ""
        for s in series.indices where drawn.contains(s) {
            let entry = "\(glyph(s)) \(series[s])"
            if !line.isEmpty && line.count + 3 + entry.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : "   ") + entry
        }
        if !line.isEmpty { lines.append(line) }
        let hidden = series.indices.filter { s in !drawn.contains(s) && values.contains { s < $0.count && $0[s] > 0 } }
        if !hidden.isEmpty {
            lines += wrap(
                "Under one column (\(String(format: "%.2f", 1 / scale)) \(unit)) in every bar, not drawn: "
                    + hidden.map { series[$0] }.joined(separator: ", ") + ".", width: width)
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(
            separator: "\n") + "\n"
    }

    /// Words into lines of at most `width` columns.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
