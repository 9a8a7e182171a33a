import Foundation

/// What kind of work a minute went to: the rows of the report's attribution table.
public enum CostCategory: String, CaseIterable, Codable, Sendable {
    case discoveryScans = "discovery scans"
    case catalogWrite = "catalog write"
    case sqlite = "SQLite"
    case http = "HTTP"
    case other = "other"
}

/// Minutes of a variant's regression one category explains, and its share of the total.
public struct CategoryShare: Codable, Sendable, Equatable {
    public var category: CostCategory
    public var minutes: Double
    /// minutes / total regression; nil when there is no regression to share.
    public var share: Double?
    public init(category: CostCategory, minutes: Double, share: Double?) {
        self.category = category
        self.minutes = minutes
        self.share = share
    }
}

extension CostCategory: CustomStringConvertible {
    /// The name the report prints (`discovery scans`).
    public var description: String { rawValue }
}
