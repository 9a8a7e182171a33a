import Foundation
import Model

extension CostCategory {
    /// Seconds of one invocation per category, sampled phases extrapolated.
    static func seconds(of phases: [PhaseRecord], stateBackend: StateBackendKind) -> [CostCategory: Double] {
        var out: [CostCategory: Double] = [:]
        for p in phases {
            let scan = Double(p.scanModelledNs)
            out[.discoveryScans, default: 0] += scan / 1e9
            out[p.phase.category(stateBackend: stateBackend), default: 0] += max(0, p.productionModelledNs - scan) / 1e9
        }
        return out
    }
}
