import Foundation

/// Small dependency-free SVG charts that GitHub and browsers render as images (no script).
public enum SVGChart {
    /// Fifteen distinct colours: a stacked bar of every phase (twelve) and the gaps between runs has one each.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
        "#9c755f", "#bab0ac", "#17becf", "#555555", "#bcbd22", "#1b3a6b", "#c51b7d",
    ]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A "nice" axis step for a range (1, 2 or 5 × a power of ten).
    static func tickStep(_ span: Double, ticks: Int = 6) -> Double {
        guard span > 0 else { return 1 }
        let raw = span / Double(ticks)
        let magnitude = pow(10, floor(log10(raw)))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    }

    /// Horizontal stacked bars: one bar per row, one coloured segment per series.
    public static func stackedBars(title: String, unit: String, rows: [String], series: [String], values: [[Double]])
        -> String
    {
        let left = 150.0
        let right = 30.0
        let top = 50.0
        let barHeight = 26.0
        let gap = 12.0
        let legendRows = (series.count + 3) / 4
        let width = 960.0
        let plotWidth = width - left - right
        let height = top + Double(rows.count) * (barHeight + gap) + 40 + Double(legendRows) * 22 + 10
        let maxTotal = max(values.map { $0.reduce(0, +) }.max() ?? 1, 1e-9)
        let step = tickStep(maxTotal)
        let axisMax = ceil(maxTotal / step) * step
        let scale = plotWidth / axisMax
        var svg = header(width: width, height: height, title: title)
        var tick = 0.0
        while tick <= axisMax + step / 2 {
            let x = left + tick * scale
            svg +=
                "<line x1=\"\(number(x))\" y1=\"\(number(top - 6))\" x2=\"\(number(x))\" y2=\"\(number(top + Double(rows.count) * (barHeight + gap)))\" stroke=\"#ddd\"/>\n"
            svg +=
                "<text x=\"\(number(x))\" y=\"\(number(top - 10))\" text-anchor=\"middle\" font-size=\"11\">\(String(format: "%g", tick))</text>\n"
            tick += step
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * (barHeight + gap)
            svg +=
                "<text x=\"\(number(left - 8))\" y=\"\(number(y + barHeight / 2 + 4))\" text-anchor=\"end\" font-size=\"12\">\(escape(row))</text>\n"
            var x = left
            for (s, value) in values[r].enumerated() where value > 0 {
                let w = value * scale
                svg +=
                    "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(w))\" height=\"\(number(barHeight))\" fill=\"\(palette[s % palette.count])\">"
                svg +=
                    "<title>\(escape(row)) · \(escape(series[s])): \(String(format: "%.2f", value)) \(unit)</title></rect>\n"
                x += w
            }
            svg +=
                "<text x=\"\(number(x + 4))\" y=\"\(number(y + barHeight / 2 + 4))\" font-size=\"11\">\(String(format: "%.1f", values[r].reduce(0, +)))</text>\n"
        }
        let legendTop = top + Double(rows.count) * (barHeight + gap) + 20
        svg +=
            "<text x=\"\(number(left))\" y=\"\(number(legendTop - 2))\" font-size=\"11\" fill=\"#555\">\(escape(unit))</text>\n"
        for (s, name) in series.enumerated() {
            let x = left + Double(s % 4) * 190
            let y = legendTop + 10 + Double(s / 4) * 22
            svg +=
                "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"14\" height=\"14\" fill=\"\(palette[s % palette.count])\"/>"
            svg += "<text x=\"\(number(x + 20))\" y=\"\(number(y + 11))\" font-size=\"12\">\(escape(name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// One line per series over categorical x positions, with interval whiskers.
    public struct LineSeries {
        public var name: String
        public var points: [(y: Double, low: Double, high: Double)?]
        public init(name: String, points: [(y: Double, low: Double, high: Double)?]) {
            self.name = name
            self.points = points
        }
    }

    public static func lines(title: String, xLabel: String, yLabel: String, xValues: [String], series: [LineSeries])
        -> String
    {
        let width = 860.0
        let height = 460.0
        let left = 80.0
        let right = 190.0
        let top = 50.0
        let bottom = 60.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let all = series.flatMap { $0.points.compactMap { $0 } }.flatMap { [$0.low, $0.high, $0.y] }
        var lo = min(0, all.min() ?? 0)
        var hi = max(all.max() ?? 1, lo + 1e-9)
        let step = tickStep(hi - lo)
        lo = floor(lo / step) * step
        hi = ceil(hi / step) * step
        func yPos(_ v: Double) -> Double { top + plotH - (v - lo) / (hi - lo) * plotH }
        func xPos(_ i: Int) -> Double {
            xValues.count == 1 ? left + plotW / 2 : left + Double(i) / Double(xValues.count - 1) * plotW
        }
        var svg = header(width: width, height: height, title: title)
        var tick = lo
        while tick <= hi + step / 2 {
            svg +=
                "<line x1=\"\(number(left))\" y1=\"\(number(yPos(tick)))\" x2=\"\(number(left + plotW))\" y2=\"\(number(yPos(tick)))\" stroke=\"#ddd\"/>"
            svg +=
                "<text x=\"\(number(left - 8))\" y=\"\(number(yPos(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(String(format: "%g", tick))</text>\n"
            tick += step
        }
        for (i, label) in xValues.enumerated() {
            svg +=
                "<text x=\"\(number(xPos(i)))\" y=\"\(number(top + plotH + 18))\" text-anchor=\"middle\" font-size=\"11\">\(escape(label))</text>\n"
        }
        svg +=
            "<text x=\"\(number(left + plotW / 2))\" y=\"\(number(height - 14))\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
        svg +=
            "<text transform=\"translate(18 \(number(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(escape(yLabel))</text>\n"
        for (s, line) in series.enumerated() {
            let colour = palette[s % palette.count]
            let pts = line.points.enumerated().compactMap { i, p in p.map { (xPos(i), $0) } }
            let path = pts.map { "\(number($0.0)),\(number(yPos($0.1.y)))" }.joined(separator: " ")
            svg += "<g class=\"series\"><title>\(escape(line.name))</title>"
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for (x, p) in pts {
                svg +=
                    "<line x1=\"\(number(x))\" y1=\"\(number(yPos(p.low)))\" x2=\"\(number(x))\" y2=\"\(number(yPos(p.high)))\" stroke=\"\(colour)\"/>"
                svg += "<circle cx=\"\(number(x))\" cy=\"\(number(yPos(p.y)))\" r=\"3.5\" fill=\"\(colour)\"/>\n"
            }
            svg += "</g>\n"
            let ly = top + 10 + Double(s) * 20
            svg +=
                "<rect x=\"\(number(left + plotW + 20))\" y=\"\(number(ly - 10))\" width=\"14\" height=\"3\" fill=\"\(colour)\"/>"
            svg +=
                "<text x=\"\(number(left + plotW + 40))\" y=\"\(number(ly - 5))\" font-size=\"12\">\(escape(line.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "font-family=\"-apple-system, Segoe UI, Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(Int(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
    }
}
