import Analysis
import Model

/// The report's chart: end-to-end production minutes per variant, split by phase in pipeline order.
/// Drawn twice from the same series: as Unicode bars inside the report and as `chart.svg` beside it.
public enum RunChart {
    public static let fileName = "chart.svg"
    static let gapsSeries = "gaps between runs"

    /// The variants with a completed invocation: one without has no measured minutes to draw.
    public static func drawn(_ s: RunSummary) -> [VariantSummary] { s.variants.filter { !$0.simulatedSeconds.isEmpty } }

    /// Phase names in pipeline order plus the gaps between runs, and each drawn variant's minutes in them.
    static func series(_ s: RunSummary) -> (names: [String], values: [[Double]]) {
        let phases = PhaseOrder.pipeline(s.variants.first?.phases ?? []).map(\.phase)
        let values = drawn(s).map { v -> [Double] in
            let parts = phases.map { name in v.phases.first { $0.phase == name }?.productionMinutes ?? 0 }
            return parts + [max(0, v.productionMinutes - parts.reduce(0, +))]
        }
        return (phases.map(\.rawValue) + [gapsSeries], values)
    }

    static func title(_ s: RunSummary) -> String {
        let runs = s[\.productionRuns]
        return "End-to-end minutes per variant (\(runs) production runs), by phase"
    }

    public static func svg(_ s: RunSummary) -> String {
        let (series, values) = series(s)
        return SVGChart.stackedBars(
            title: title(s), unit: "minutes", rows: drawn(s).map(\.name), series: series, values: values)
    }

    /// The chart as lines of text for a fenced code block (no fence), at most `width` columns.
    public static func text(_ s: RunSummary, width: Int = 100) -> String {
        let (series, values) = series(s)
        return TextChart.stackedBars(
            rows: drawn(s).map(\.name), series: series, values: values, unit: "min", width: width)
    }
}
