import Analysis
import Model

/// The order of an invocation's phases as a reader follows a `meltano run`: the order `Phase`
/// declares them in (docs/model.md, "Phases"). Both charts and the phase tables use it.
public enum PhaseOrder {
    /// A variant's phases in pipeline order (the analyzer appends the assumed ones after the simulated).
    public static func pipeline(_ phases: [PhaseSummary]) -> [PhaseSummary] {
        phases.sorted { rank($0.phase) < rank($1.phase) }
    }

    static func rank(_ phase: Phase) -> Int { Phase.allCases.firstIndex(of: phase) ?? Phase.allCases.count }
}
