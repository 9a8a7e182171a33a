import Environment

/// The 3.6.0 enum: the four built-in schemes as if declared by meltano, nothing else.
enum StaticTable {
    static func entries(group: String) -> [EntryPoint] {
        guard group == MeltanoEntryPoints.stateBackendsGroup else { return [] }
        return MeltanoEntryPoints.stateBackends.map {
            EntryPoint(name: $0.name, group: group, value: $0.value, distribution: "meltano (built-in enum)")
        }
    }
}
