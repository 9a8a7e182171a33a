import Foundation
import Model

/// Two runs' summaries side by side: per variant and phase, what changed and whether it is
/// beyond noise. CI uses its verdict through `simulate compare`'s exit status.
public struct SummaryComparison: Sendable {
    public enum Verdict: String, Sendable {
        case equal, regression, improvement
    }

    public struct VariantChange: Sendable {
        public var variant: String
        public var oldMinutes: Double
        public var newMinutes: Double
        /// New minus old production minutes, with a bootstrap interval over both runs' invocations.
        public var change: Interval
        public var verdict: Verdict
        public var phases: [(phase: Phase, oldSeconds: Double, newSeconds: Double)]
    }

    public let changes: [VariantChange]
    /// Variants in only one of the two runs.
    public let unmatched: [String]
    public let thresholdPercent: Double

    // `worker_spawn` changes how a worker process starts, which no phase measures.
    /// Knobs whose difference does not make two runs incomparable.
    static let incidentalKnobs: Set<String> = {
        let k = ScenarioKeys.table
        return [
            k.name.name, k.description.name, k.seed.name, k.variants.name, k.baseline.name, k.workerSpawn.name,
            k.observedBaselineMinutes.name, k.observedRegressedMinutes.name, k.observedRegressedVariant.name,
        ]
    }()

    /// Whether a run's estimate stands on every planned invocation and a consistent store. A summary
    /// from before `outcome` was recorded said `complete` also when HTTP calls had failed its
    /// invocations, its integrity check failed or locks were left: its counts say it instead.
    public static func isComplete(_ s: RunSummary) -> Bool {
        guard s.complete else { return false }
        if s.outcome != nil { return true }
        return s.failures.lostInvocations == 0 && (s.failures.httpFailedInvocations ?? 0) == 0
            && s.integrity?.ok ?? true && (s.integrity?.locksLeft ?? 0) == 0
    }

    /// Why the two runs cannot be compared, or nil. Knobs, environment, release and cost profiles and machine must match.
    public static func incompatibility(_ old: RunSummary, _ new: RunSummary) -> String? {
        // An incomplete run's estimate lacks invocations: "equal" against it would be a false pass.
        if !isComplete(old) || !isComplete(new) {
            let why = (!isComplete(old) ? old : new).outcome?.reasonText ?? ""
            return
                "\(!isComplete(old) ? "the earlier" : "the later") run is INCOMPLETE "
                + "(\(why.isEmpty ? "lost or failed invocations, or an inconsistent store" : why))"
        }
        let oldVariants = old.variants.map(\.name)
        let newVariants = new.variants.map(\.name)
        if Set(oldVariants) != Set(newVariants) {
            return
                "the variants differ (\(oldVariants.joined(separator: ", ")) vs \(newVariants.joined(separator: ", ")))"
        }
        // Every knob either run lists, so that the order of the two runs never decides whether they compare.
        func values(_ s: RunSummary) -> [String: String] {
            Dictionary(s.scenario.knobs.map { ($0.key, $0.value.description) }, uniquingKeysWith: { a, _ in a })
        }
        let (oldKnobs, newKnobs) = (values(old), values(new))
        let listed = (new.scenario.knobs.map(\.key) + old.scenario.knobs.map(\.key)).filter {
            !incidentalKnobs.contains($0)
        }
        for key in listed {
            let before = oldKnobs[key] ?? "unset"
            let after = newKnobs[key] ?? "unset"
            if before != after { return "knob '\(key)' differs (\(before) vs \(after))" }
        }
        if old.environment.distributions != new.environment.distributions
            || old.environment.kind != new.environment.kind
        {
            return "environments differ (\(old.environment.kind), \(old.environment.distributions) distributions vs "
                + "\(new.environment.kind), \(new.environment.distributions))"
        }
        for n in new.variants {
            guard let o = old.variants.first(where: { $0.name == n.name }), let before = o.profileFingerprint,
                let after = n.profileFingerprint, before != after
            else { continue }
            return
                "release profiles differ for \(n.name) (\(o.profileProvenance ?? "?") vs \(n.profileProvenance ?? "?"))"
        }
        if old.costProfile.name != new.costProfile.name || old.costProfile.units != new.costProfile.units {
            return "cost profiles differ (\(old.costProfile.name) vs \(new.costProfile.name))"
        }
        if old.machine.cpuModel != new.machine.cpuModel || old.machine.cpuCount != new.machine.cpuCount {
            return
                "machines differ (\(old.machine.cpuCount) × \(old.machine.cpuModel) vs \(new.machine.cpuCount) × \(new.machine.cpuModel))"
        }
        return nil
    }

    /// - Parameter thresholdPercent: a change smaller than this share of the old minutes is "equal".
    public init(old: RunSummary, new: RunSummary, thresholdPercent: Double = 2) {
        self.thresholdPercent = thresholdPercent
        let runs = Double(new[\.productionRuns])
        var changes: [VariantChange] = []
        for n in new.variants {
            guard let o = old.variants.first(where: { $0.name == n.name }) else { continue }
            let interval = DifferenceOfMeans.interval(n, o, scale: runs / 60, seed: 17)
            // Assumed seconds can differ under --force; they move the minutes without noise.
            let assumedShift =
                (n.secondsPerRun - n.simulatedSecondsPerRun - (o.secondsPerRun - o.simulatedSecondsPerRun)) * runs / 60
            let change = Interval(
                estimate: n.productionMinutes - o.productionMinutes, low: interval.low + assumedShift,
                high: interval.high + assumedShift, level: interval.level)
            let threshold = o.productionMinutes * thresholdPercent / 100
            let verdict: Verdict =
                change.low > threshold ? .regression : change.high < -threshold ? .improvement : .equal
            let phases = n.phases.map { p in
                (p.phase, o.phases.first { $0.phase == p.phase }?.secondsPerRun ?? 0, p.secondsPerRun)
            }
            changes.append(
                VariantChange(
                    variant: n.name, oldMinutes: o.productionMinutes, newMinutes: n.productionMinutes,
                    change: change, verdict: verdict, phases: phases))
        }
        self.changes = changes
        let names = Set(new.variants.map(\.name)).symmetricDifference(old.variants.map(\.name))
        unmatched = names.sorted()
    }

    /// Regression if any variant regressed; improvement if some improved and none regressed.
    public var verdict: Verdict {
        if changes.contains(where: { $0.verdict == .regression }) { return .regression }
        if changes.contains(where: { $0.verdict == .improvement }) { return .improvement }
        return .equal
    }
}
