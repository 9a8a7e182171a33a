import Analysis

/// The order of an invocation's phases as a reader follows a `meltano run`: CLI start, settings,
/// bookkeeping, state lookup, other pre-plugin work, catalog write, extract, the tap's processing,
/// target state init, state write, target tail, teardown. Both charts and the phase table use it.
///
/// The analyzer lists simulated phases in run order and appends the assumed ones; this keeps the
/// simulated order as given and moves each assumed phase to where an invocation spends it.
public enum PhaseOrder {
    enum Place {
        case first
        case before(String)
        case after(String)
    }

    /// Where each assumed phase belongs, by a neighbouring simulated phase.
    static let assumedPlaces: [String: Place] = [
        "cli-start": .first,
        "pre-plugin-other": .before("catalog-write"),
        "tap-processing": .after("extract"),
        "target-tail": .after("state-write"),
    ]

    /// The same elements in pipeline order. Phases it does not know keep their order; an assumed
    /// phase whose neighbour is missing stays at the end.
    public static func pipeline<T>(_ items: [T], name: (T) -> String, assumed: (T) -> Bool) -> [T] {
        var out = items.filter { !assumed($0) || assumedPlaces[name($0)] == nil }
        var unplaced: [T] = []
        var leading = 0
        for item in items where assumed(item) {
            switch assumedPlaces[name(item)] {
            case .first?:
                out.insert(item, at: leading)
                leading += 1
            case .before(let neighbour)?:
                if let at = out.firstIndex(where: { name($0) == neighbour }) { out.insert(item, at: at) } else { unplaced.append(item) }
            case .after(let neighbour)?:
                if let at = out.firstIndex(where: { name($0) == neighbour }) { out.insert(item, at: at + 1) } else { unplaced.append(item) }
            case nil:
                break  // kept in place above
            }
        }
        return out + unplaced
    }

    /// A variant's phases in pipeline order.
    public static func pipeline(_ phases: [PhaseSummary]) -> [PhaseSummary] {
        pipeline(phases, name: \.phase, assumed: { $0.provenance == "assumed" })
    }
}
