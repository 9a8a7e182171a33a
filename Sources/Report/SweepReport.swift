import Analysis
import Foundation
import Model

/// `simulate sweep`'s table and chart: each variant's regression per cell of the knob grid.
public enum SweepReport {
    public struct Cell {
        /// Each swept key's typed value: where the cell sits in the grid.
        public var knobs: [String: ScenarioValue]
        public var folder: String
        public var complete: Bool
        public var regression: [String: Interval]
        public var topPhase: [String: Phase]
        public var wallSeconds: Double?
        public var fleet: [String: FleetCellNumbers]?
        public init(
            knobs: [String: ScenarioValue], folder: String, complete: Bool, regression: [String: Interval],
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

    /// One swept key and its values in grid order, typed; they print by `ScenarioValue.description`.
    public typealias Axis = (key: String, values: [ScenarioValue])

    public static let chartFile = "sweep.svg"

    /// - Parameters: `axes` in order (first = x axis of the chart, second = one line per value).
    public static func markdown(
        scenario: String, baseline: String, axes: [Axis], variants: [String],
        chartVariant: String, cells: [Cell], command: String, seconds: Double
    ) -> String {
        var out = "# simulate sweep --scenario \(scenario)\n\n"
        out +=
            "Regression against \(MarkdownReport.code(baseline)) over the production workload, in minutes with 95% intervals, for each cell of "
            + axes.map {
                "\(MarkdownReport.code($0.key)) ∈ {\($0.values.map { MarkdownReport.text($0.description) }.joined(separator: ", "))}"
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
                axes.map { MarkdownReport.cell(c.knobs[$0.key]?.description ?? "") } + values + [
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
    static func fleetTable(axes: [Axis], variants: [String], cells: [Cell]) -> String {
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
                axes.map { MarkdownReport.cell(c.knobs[$0.key]?.description ?? "") }
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

    /// One line of the chart: its name and, per value of the first axis, the variant's interval
    /// in the cell there (nil where no cell or no estimate).
    public struct Series {
        public let name: String
        public let points: [Interval?]
    }

    /// The chart's lines: one per value of the second axis (or one line), each with a point per
    /// value of the first. Cells are matched by their typed knob values, never by how they print.
    public static func series(axes: [Axis], variant: String, cells: [Cell]) -> [Series] {
        guard let x = axes.first else { return [] }
        let groups: [(name: String, value: ScenarioValue?)] =
            axes.count > 1 ? axes[1].values.map { ("\(axes[1].key) = \($0)", $0) } : [(variant, nil)]
        return groups.map { group in
            Series(
                name: group.name,
                points: x.values.map { xv in
                    cells.first { c in
                        c.knobs[x.key] == xv && (group.value.map { c.knobs[axes[1].key] == $0 } ?? true)
                    }?.regression[variant]
                })
        }
    }

    /// Regression of one variant against the first axis, one line per value of the second.
    public static func svg(axes: [Axis], variant: String, baseline: String, cells: [Cell]) -> String {
        guard let x = axes.first else { return "" }
        return SVGChart.lines(
            title: "Regression of \(variant) against \(baseline) (minutes, 95% interval)", xLabel: x.key,
            yLabel: "regression (minutes)", xValues: x.values.map(\.description),
            series: series(axes: axes, variant: variant, cells: cells).map { s in
                SVGChart.LineSeries(name: s.name, points: s.points.map { $0.map { ($0.estimate, $0.low, $0.high) } })
            })
    }
}
