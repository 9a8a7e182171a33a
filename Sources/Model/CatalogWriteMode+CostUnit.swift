extension CatalogWriteMode {
    /// The cost-profile unit one catalog line costs in this mode (`catalog.line_sync_us` or
    /// `catalog.line_thread_hop_us`).
    public var costUnit: CostUnit { self == .sync ? .catalogLineSync : .catalogLineThreadHop }
}
