import Foundation
import Model

/// A fleet run's events as they arrive: per run, its arrival, start and finish in the replay, its
/// simulated seconds, CPU and database work. `FleetAnalysis` turns them into the `fleet` summary.
struct FleetAccumulator {
    struct Record {
        var arrivalNs: UInt64?
        var startNs: UInt64?
        var finishNs: UInt64?
        var variant = -1
        var ordinal = -1
        /// Simulated seconds of the production run: the invocation's phases plus its job's assumed seconds.
        var seconds = 0.0
        /// The part of `seconds` the model simulates (the phases at production size, not the assumed ones).
        var modelledSeconds = 0.0
        var cpuNs: UInt64?
        /// The invocation's wall time in its worker, over which `cpuNs` was measured.
        var wallNs: UInt64 = 0
        var storage = StorageCounters()
    }

    var records: [Int: Record] = [:]

    mutating func arrived(_ i: Int, at ns: UInt64?) { records[i, default: Record()].arrivalNs = ns }

    mutating func started(_ i: Int, at ns: UInt64?) { records[i, default: Record()].startNs = ns }

    mutating func finished(
        _ i: Int, variant: Int, ordinal: Int, seconds: Double, modelledSeconds: Double, outcome: InvocationOutcome,
        at ns: UInt64?
    ) {
        var r = records[i] ?? Record()
        (r.variant, r.ordinal, r.seconds, r.modelledSeconds, r.finishNs) = (
            variant, ordinal, seconds, modelledSeconds, ns
        )
        (r.cpuNs, r.wallNs) = (outcome.cpuNs, outcome.wallNs)
        r.storage = outcome.storage
        records[i] = r
    }

    /// The finished runs of variant `v`, in arrival order.
    func runs(ofVariant v: Int) -> [Record] {
        records.values.filter { $0.variant == v && $0.finishNs != nil }.sorted { $0.ordinal < $1.ordinal }
    }
}
