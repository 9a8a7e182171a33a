import Foundation
import Model

/// Pads work to its target-runtime cost with busy CPU, so that parallel workers contend for
/// the cores as the real processes would, and reports both times.
public struct CostPadder: Sendable {
    public let costs: CostProfile

    public init(costs: CostProfile) { self.costs = costs }

    /// Runs `body` as `count` units of `unit` plus an optional fixed unit, pads to the profile's
    /// cost if the native run was faster, and returns what it measured.
    @discardableResult
    public func run<T>(
        _ unit: CostUnit?, count: Int = 1, fixed: CostUnit? = nil, timing: inout UnitTiming, _ body: () throws -> T
    ) rethrows -> T {
        let start = MonotonicClock.now()
        let result = try body()
        let end = MonotonicClock.now()
        var targetMicros = 0.0
        if let unit, let us = costs.microseconds(unit) { targetMicros += us * Double(count) }
        if let fixed, let us = costs.microseconds(fixed) { targetMicros += us }
        pad(started: start, nativeEnd: end, targetMicros: targetMicros, units: count, timing: &timing)
        return result
    }

    /// Pads after the fact when the unit count is only known once the work is done (a scan).
    ///
    /// The padding is CPU time of this thread, not a wall-clock deadline: when parallel workers
    /// outnumber the cores, a preempted worker takes longer, as the CPython process would.
    public func pad(
        started start: UInt64, nativeEnd end: UInt64, targetMicros: Double, units: Int, timing: inout UnitTiming
    ) {
        let native = end - start
        let target = UInt64(targetMicros * 1_000)
        var modelled = native
        if target > native {
            let budget = target - native
            let cpuStart = MonotonicClock.threadCPU()
            while MonotonicClock.threadCPU() - cpuStart < budget {}  // busy on purpose: CPython would be on the CPU
            modelled = MonotonicClock.now() - start
        }
        timing.units += units
        timing.nativeNanoseconds += native
        timing.modelledNanoseconds += modelled
    }
}
