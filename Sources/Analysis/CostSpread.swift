import Model

/// The part of a regression's uncertainty that the cost profile brings: a unit's cost is known
/// only within its calibration's spread, and the regression moves with it
/// (docs/calibration.md, "What the interval covers").
///
/// Both variants' minutes are gathered per unit (a phase's minutes go to the unit of its own
/// that has the widest spread, but the catalog write's split between its per-line units by their
/// µs); a unit both variants pay alike cancels in the difference, so only
/// the difference of its minutes is uncertain: half-width = √Σᵤ (Δminutesᵤ · spreadᵤ)².
public enum CostSpread {
    /// Minutes per cost unit of one variant, from its phases' minutes per run-set.
    public static func minutesByUnit(
        _ phaseMinutes: [(phase: Phase, minutes: Double)], catalogWrite: CatalogWriteMode, costs: CostProfile
    ) -> [CostUnit: Double] {
        var out: [CostUnit: Double] = [:]
        for (phase, minutes) in phaseMinutes {
            if phase == .catalogWrite {
                // Every unit of the catalog write is charged per line: its minutes split by their µs.
                let total = costs.catalogLineMicroseconds(catalogWrite)
                for unit in catalogWrite.costUnits {
                    guard let us = costs.microseconds(unit), us > 0 else { continue }
                    out[unit, default: 0] += minutes * us / total
                }
                continue
            }
            let units = phase.costUnits(catalogWrite: catalogWrite)
            guard let unit = units.max(by: { costs.spread($0) < costs.spread($1) }) else { continue }
            out[unit, default: 0] += minutes
        }
        return out
    }

    /// The half-width, in minutes, of a regression whose two sides spend these minutes per unit.
    public static func halfWidth(
        variant: [CostUnit: Double], baseline: [CostUnit: Double], costs: CostProfile
    ) -> Double {
        let units = Set(variant.keys).union(baseline.keys)
        let squares = units.map { unit -> Double in
            let delta = (variant[unit] ?? 0) - (baseline[unit] ?? 0)
            return (delta * costs.spread(unit)) * (delta * costs.spread(unit))
        }
        return squares.reduce(0, +).squareRoot()
    }

    /// `interval` with `half` added in quadrature to each side's distance from the estimate.
    public static func widen(_ interval: Interval, by half: Double) -> Interval {
        guard half > 0 else { return interval }
        let below = (interval.estimate - interval.low)
        let above = (interval.high - interval.estimate)
        return Interval(
            estimate: interval.estimate, low: interval.estimate - (below * below + half * half).squareRoot(),
            high: interval.estimate + (above * above + half * half).squareRoot(), level: interval.level)
    }
}
