import Foundation
import Pipeline

/// What kind of work a minute went to: the rows of the report's attribution table.
public enum CostCategory: String, CaseIterable, Codable, Sendable {
    case discoveryScans = "discovery scans"
    case catalogWrite = "catalog write"
    case sqlite = "SQLite"
    case http = "HTTP"
    case other = "other"

    /// The category of a phase's time once its discovery scans are taken out. With the http state
    /// backend, the state lookup and writes are HTTP work (each write's one SQLite UPDATE of
    /// `runs.payload` goes with them).
    public static func of(phase: String, stateBackend: String = "systemdb") -> CostCategory {
        switch phase {
        case "catalog-write": return .catalogWrite
        case "state-lookup" where stateBackend == "http", "state-write" where stateBackend == "http": return .http
        case "bookkeeping", "state-lookup", "state-write", "teardown": return .sqlite
        case "extract": return .http
        default: return .other
        }
    }

    /// Seconds of one invocation per category, sampled phases extrapolated.
    static func seconds(of phases: [PhaseRecord], stateBackend: String = "systemdb") -> [CostCategory: Double] {
        var out: [CostCategory: Double] = [:]
        for p in phases {
            let scan = Double(p.scanModelledNs)
            out[.discoveryScans, default: 0] += scan / 1e9
            out[of(phase: p.phase, stateBackend: stateBackend), default: 0] += max(0, p.productionModelledNs - scan) / 1e9
        }
        return out
    }
}

/// Minutes of a variant's regression one category explains, and its share of the total.
public struct CategoryShare: Codable, Sendable, Equatable {
    public var category: String
    public var minutes: Double
    /// minutes / total regression; nil when there is no regression to share.
    public var share: Double?
}
