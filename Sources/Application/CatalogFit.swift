import Foundation
import Logs
import Model

/// The catalog size of one job fitted to its pre-plugin change between two releases, analytically.
///
/// The model's pre-plugin work grows linearly with the catalog: each line costs the release's
/// per-line units (`catalog.line_sync_us`, or `catalog.line_thread_hop_us` and its wait), and nothing else there
/// differs by more than milliseconds. So `lines = Δ pre-plugin / (regressed per-line − baseline
/// per-line)`: what `simulate fit --observed-phase pre-plugin --knob catalog-lines` finds by
/// simulation.
public struct CatalogFit: Sendable {
    /// What the logs say about one job's catalog.
    public enum Outcome: Equatable, Sendable {
        /// Lines, from a positive delta and a per-line cost that differs.
        case fitted(Int)
        /// The two releases write the catalog the same way: the delta says nothing about lines.
        case sameMode
        /// The regressed release is not slower in pre-plugin for this job (seconds of the delta).
        case notPositive(Double)
        /// A set has no complete run of the job that knows its pre-plugin phase.
        case unknownPhase
    }

    /// Microseconds per line in the baseline and the regressed release's catalog-write mode.
    public var baselineLineMicroseconds: Double
    public var regressedLineMicroseconds: Double

    public init(baselineLineMicroseconds: Double, regressedLineMicroseconds: Double) {
        self.baselineLineMicroseconds = baselineLineMicroseconds
        self.regressedLineMicroseconds = regressedLineMicroseconds
    }

    /// The per-line costs of two releases' modes in `costs` (0 for a unit the profile lacks).
    public init(baseline: ReleaseProfile, regressed: ReleaseProfile, costs: CostProfile) {
        self.init(
            baselineLineMicroseconds: costs.catalogLineMicroseconds(baseline.catalogWrite),
            regressedLineMicroseconds: costs.catalogLineMicroseconds(regressed.catalogWrite))
    }

    /// Extra microseconds per line of the regressed release.
    public var perLineDelta: Double { regressedLineMicroseconds - baselineLineMicroseconds }

    /// The lines that explain `regressed − baseline` median pre-plugin seconds.
    public func lines(baselineSeconds: Double?, regressedSeconds: Double?) -> Outcome {
        guard let baselineSeconds, let regressedSeconds else { return .unknownPhase }
        guard perLineDelta > 0 else { return .sameMode }
        let delta = regressedSeconds - baselineSeconds
        guard delta > 0 else { return .notPositive(delta) }
        return .fitted(Int((delta * 1_000_000 / perLineDelta).rounded()))
    }

    /// The lines for one job present in both sets.
    public func lines(_ baseline: ObservedJob, _ regressed: ObservedJob) -> Outcome {
        lines(
            baselineSeconds: baseline.phases[.prePlugin]?.median, regressedSeconds: regressed.phases[.prePlugin]?.median
        )
    }
}

extension CatalogFit.Outcome {
    /// Why the logs do not determine the lines (nil when fitted).
    public var undeterminedReason: String? {
        switch self {
        case .fitted: return nil
        case .sameMode:
            return "both releases write the catalog the same way, so its pre-plugin change says nothing about lines"
        case .notPositive(let delta):
            return "its pre-plugin median changes by \(String(format: "%+.2f", delta)) s (not positive)"
        case .unknownPhase: return "a set of logs has no complete run of it that knows its pre-plugin phase"
        }
    }
}

/// The seconds of each log phase the model does not simulate, per job.
public struct AssumedSeconds: Sendable {
    /// Per log phase, the assumed seconds (rounded to 0.01 s).
    public var seconds: [LogPhase: Double]
    /// Phases where what the release simulates exceeded the observed median: clamped at 0.
    public var clamped: [LogPhase]

    /// The observed medians minus what `release` simulates: in pre-plugin the catalog write,
    /// `lines × per-line cost`; the other simulated steps (settings scan, bookkeeping, state
    /// lookup and writes, HTTP pages) take milliseconds and are not subtracted.
    public init(job: ObservedJob, catalogLines: Int, lineMicroseconds: Double) {
        var seconds: [LogPhase: Double] = [:]
        var clamped: [LogPhase] = []
        for phase in LogPhase.allCases {
            guard let observed = job.phases[phase]?.median else { continue }
            let simulated = phase == .prePlugin ? Double(catalogLines) * lineMicroseconds / 1_000_000 : 0
            let left = observed - simulated
            if left < 0 { clamped.append(phase) }
            seconds[phase] = (max(0, left) * 100).rounded() / 100
        }
        self.seconds = seconds
        self.clamped = clamped
    }
}

extension LogPhase {
    /// The scenario key of the seconds assumed in this phase (`assumed.pre_plugin_seconds`), from the key table.
    public var assumedKey: String {
        Scenario.assumedKeys[Phase.assumed.firstIndex(of: Phase.assumed(in: self))!].name
    }
}
