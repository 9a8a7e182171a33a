import Analysis

/// The report's chart: end-to-end production minutes per variant, split by phase.
public enum RunChart {
    public static let fileName = "chart.svg"

    public static func svg(_ s: RunSummary) -> String {
        let phases = s.variants.first?.phases.map(\.phase.rawValue) ?? []
        let series = phases + ["gaps between runs"]
        let runs = Double(s.scenario.knobs.first { $0.key == "production.runs" }?.value ?? "1") ?? 1
        let values = s.variants.map { v -> [Double] in
            let parts = v.phases.map(\.productionMinutes)
            return parts + [max(0, v.productionMinutes - parts.reduce(0, +))]
        }
        return SVGChart.stackedBars(title: "End-to-end minutes per variant (\(Int(runs)) production runs), by phase",
                                    unit: "minutes", rows: s.variants.map(\.name), series: series, values: values)
    }
}
