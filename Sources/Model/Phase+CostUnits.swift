extension Phase {
    /// The cost-profile units the worker pads this phase's work to (docs/calibration.md, "What the
    /// interval covers"); empty for measured (HTTP) and assumed phases, which no unit prices.
    public func costUnits(catalogWrite: CatalogWriteMode) -> [CostUnit] {
        switch self {
        case .settings, .stateLookup, .targetStateInit, .backends, .creations, .import:
            return CostUnit.allCases.filter(\.isScanUnit)
        case .bookkeeping, .teardown: return [.sqliteStatement]
        case .stateWrites: return [.sqliteStatement, .jsonState]
        case .catalogWrite: return catalogWrite.costUnits
        case .startOther, .prePluginOther, .pages, .tapProcessing, .targetRead, .targetLoad, .stateWriteOther: return []
        }
    }
}

extension CostUnit {
    /// One of the terms of an entry-point scan's cost.
    public var isScanUnit: Bool { rawValue.hasPrefix("scan.") }
}
