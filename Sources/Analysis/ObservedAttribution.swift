import Foundation
import Model

/// Holds one variant's simulated regression against production's own logs, log phase by log
/// phase: which observed minutes the model explains, which it does not, and where it puts more
/// minutes than production did (docs/logs.md, "The report against production").
public enum ObservedAttribution {
    /// Differences smaller than this (minutes over the workload), or than a tenth of the phase's
    /// observed change, count as matching: run-to-run spread in the logs is of that order.
    public static let minimumSlackMinutes = 0.25

    public static func compare(
        logs: ObservedLogs, variant: VariantSummary, productionRuns: Int
    ) -> ObservedComparison {
        let perRunToMinutes = Double(productionRuns) / 60
        var rows: [ObservedComparison.Row] = []
        for phase in LogPhase.allCases {
            let simulated = variant.phases.filter { $0.phase.logPhase == phase }
            let observed = logs.phases.first { $0.phase == phase }?.deltaSecondsPerRun.map { $0 * perRunToMinutes }
            let simulatedMinutes = simulated.reduce(0) { $0 + $1.deltaMinutes }
            let explained = observed.flatMap { abs($0) >= minimumSlackMinutes ? simulatedMinutes / $0 : nil }
            rows.append(
                ObservedComparison.Row(
                    phase: phase, simulatedPhases: simulated.map(\.phase), observedMinutes: observed,
                    simulatedMinutes: simulatedMinutes, explainedShare: explained,
                    unexplainedMinutes: observed.map { $0 - simulatedMinutes }))
        }
        let observedTotal = logs.totalDeltaSecondsPerRun.map { $0 * perRunToMinutes }
        let slack = max(minimumSlackMinutes, 0.1 * abs(observedTotal ?? 0))
        return ObservedComparison(
            variant: variant.name, logs: logs, rows: rows, observedTotalMinutes: observedTotal,
            simulatedTotalMinutes: variant.regressionMinutes?.estimate ?? 0,
            overExplained: rows.filter { ($0.unexplainedMinutes ?? 0) < -slack }.map(\.phase),
            underExplained: rows.filter { ($0.unexplainedMinutes ?? 0) > slack }.map(\.phase), slackMinutes: slack)
    }
}

extension ObservedComparison {
    /// The log phase holding most of production's change when the simulated variants barely differ
    /// there: production changed for a reason the modelled version difference does not touch.
    public var dominantUnexplained: Row? {
        guard let total = observedTotalMinutes, abs(total) >= slackMinutes,
            let top = rows.max(by: { abs($0.observedMinutes ?? 0) < abs($1.observedMinutes ?? 0) }),
            let seen = top.observedMinutes, seen / total >= 0.5, abs(top.simulatedMinutes) <= slackMinutes
        else { return nil }
        return top
    }
}
