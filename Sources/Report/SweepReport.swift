import Analysis
import Foundation
import Model

/// `simulate sweep`'s table and chart: each variant's regression per cell of the knob grid.
public enum SweepReport {
    public struct Cell {
        public var knobs: [String: String]
        public var folder: String
        public var complete: Bool
        public var regression: [String: Interval]
        public var topPhase: [String: Phase]
        public var wallSeconds: Double?
        public var fleet: [String: FleetCellNumbers]?
        public init(
            knobs: [String: String], folder: String, complete: Bool, regression: [String: Interval],
            topPhase: [String: Phase], wallSeconds: Double? = nil, fleet: [String: FleetCellNumbers]? = nil
        ) {
            self.wallSeconds = wallSeconds
            self.fleet = fleet
            self.knobs = knobs
            self.folder = folder
            self.complete = complete
            self.regression = regression
            self.topPhase = topPhase
        }
    }

    public static let chartFile = "sweep.svg"

    /// - Parameters: `axes` in order (first = x axis of the chart, second = one line per value).
    public static func markdown(
        scenario: String, baseline: String, axes: [(key: String, values: [String])], variants: [String],
        chartVariant: String, cells: [Cell], command: String, seconds: Double
    ) -> String {
        var out = "# simulate sweep --scenario \(scenario)\n\n"
        out +=
            "Regression against \(MarkdownReport.code(baseline)) over the production workload, in minutes with 95% intervals, for each cell of "
            + axes.map {
                "\(MarkdownReport.code($0.key)) ∈ {\($0.values.map(MarkdownReport.text).joined(separator: ", "))}"
            }.joined(separator: " × ")
            + " (\(cells.count) runs, \(String(format: "%.0f", seconds)) s).\n\n"
        let header =
            axes.map { MarkdownReport.cell($0.key) } + variants.map { "\(MarkdownReport.cell($0)) (min)" } + [
                "top phase (\(MarkdownReport.cell(chartVariant)))", "run",
            ]
        var t = MarkdownTable(header, numeric: Set(axes.count..<(axes.count + variants.count)))
        for c in cells {
            let values = variants.map { v in
                c.regression[v].map {
                    "\(MarkdownReport.signed($0.estimate)) [\(MarkdownReport.signed($0.low)), \(MarkdownReport.signed($0.high))]"
                } ?? "–"
            }
            t.add(
                axes.map { MarkdownReport.cell(c.knobs[$0.key] ?? "") } + values + [
                    c.topPhase[chartVariant]?.rawValue ?? "–",
                    "[\(c.folder)](\(c.folder)/REPORT.md)"
                        + (c.complete ? "" : " (incomplete)"),
                ])
        }
        out += t.text + "\n" + fleetTable(axes: axes, variants: [baseline] + variants, cells: cells)
        out +=
            "![Regression of \(MarkdownReport.cell(chartVariant)) against the first knob](\(chartFile))\n\n"
        out += "Reproduce:\n\n" + Markdown.escape(command, .fencedBlock(info: "sh"))
        return ReportPaths.scrub(out)
    }

    /// A fleet sweep's second table: per cell, the run's wall time and per variant the statement
    /// latency's p95, the lock waits and retries, and the production queue's p95 wait.
    static func fleetTable(axes: [(key: String, values: [String])], variants: [String], cells: [Cell]) -> String {
        guard cells.contains(where: { $0.fleet != nil }) else { return "" }
        var t = MarkdownTable(
            axes.map { MarkdownReport.cell($0.key) } + ["wall s"]
                + variants.flatMap {
                    [
                        "\(MarkdownReport.cell($0)) statement p95 ms", "lock waits", "retries",
                        "wait p95 s (production)",
                    ]
                },
            numeric: Set(axes.count..<(axes.count + 1 + 4 * variants.count)))
        for c in cells {
            t.add(
                axes.map { MarkdownReport.cell(c.knobs[$0.key] ?? "") }
                    + [c.wallSeconds.map { MarkdownReport.f($0, 1) } ?? "–"]
                    + variants.flatMap { v -> [String] in
                        guard let n = c.fleet?[v] else { return ["–", "–", "–", "–"] }
                        return [
                            n.statementP95Ms.map { MarkdownReport.f($0, 2) } ?? "–", "\(n.lockWaits)", "\(n.retries)",
                            MarkdownReport.f(n.waitP95Seconds, 1),
                        ]
                    })
        }
        return "Fleet: the system database and the queue per cell (docs/fleet.md).\n\n" + t.text + "\n"
    }

    /// Regression of one variant against the first axis, one line per value of the second.
    public static func svg(axes: [(key: String, values: [String])], variant: String, baseline: String, cells: [Cell])
        -> String
    {
        guard let x = axes.first else { return "" }
        let groups: [(name: String, match: (Cell) -> Bool)] =
            axes.count > 1
            ? axes[1].values.map { v in ("\(axes[1].key) = \(v)", { (c: Cell) in c.knobs[axes[1].key] == v }) }
            : [(variant, { _ in true })]
        let series = groups.map { g in
            SVGChart.LineSeries(
                name: g.name,
                points: x.values.map { xv in
                    cells.first { $0.knobs[x.key] == xv && g.match($0) }.flatMap { $0.regression[variant] }.map {
                        ($0.estimate, $0.low, $0.high)
                    }
                })
        }
        return SVGChart.lines(
            title: "Regression of \(variant) against \(baseline) (minutes, 95% interval)", xLabel: x.key,
            yLabel: "regression (minutes)", xValues: x.values, series: series)
    }
}
