extension CatalogWriteMode {
    /// The cost-profile unit one catalog line costs in this mode (`catalog.line_sync_us` or
    /// `catalog.line_thread_hop_us`): CPU time, which the worker pads busy.
    public var costUnit: CostUnit { self == .sync ? .catalogLineSync : .catalogLineThreadHop }

    /// The unit of wall time one line costs beyond its CPU time, which the worker waits out rather
    /// than pads busy: a thread hop's wake-ups (`catalog.line_thread_hop_wait_us`); nil for sync
    /// writes, whose wall and CPU time differ by less than the clock resolves.
    public var waitUnit: CostUnit? { self == .sync ? nil : .catalogLineThreadHopWait }

    /// Every unit one line of this mode is charged.
    public var costUnits: [CostUnit] { [costUnit] + (waitUnit.map { [$0] } ?? []) }
}

extension CostProfile {
    /// One catalog line's wall time in this mode, µs: its CPU cost and its wait (a unit the
    /// profile does not name costs 0, so a profile without a wait unit charges what it did).
    public func catalogLineMicroseconds(_ mode: CatalogWriteMode) -> Double {
        mode.costUnits.reduce(0) { $0 + (microseconds($1) ?? 0) }
    }
}
