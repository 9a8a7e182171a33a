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

    /// Waits `count` units of `unit` off the CPU (the part of a unit's wall time that is no CPU of
    /// the process, `catalog.line_thread_hop_wait_us`), through `clock`, and adds it to `timing`'s
    /// modelled time; nothing when the profile does not name the unit.
    public func wait(_ unit: CostUnit?, count: Int, on clock: inout OffCPUWait, timing: inout UnitTiming) {
        guard let unit, let us = costs.microseconds(unit), us > 0 else { return }
        timing.modelledNanoseconds += clock.wait(nanoseconds: UInt64(us * Double(count) * 1_000))
    }
}

/// Waits off the CPU for what a series of units owes in all. Not busy: a CPython thread waiting
/// for another is off the CPU, so a parallel worker may use the core meanwhile, as a parallel
/// Meltano process would. A sleep overshoots by tens of µs (the kernel's timer slack), a sizeable
/// share of a millisecond's wait, so each call sleeps what is still owed after the calls before.
public struct OffCPUWait: Sendable {
    /// Nanoseconds owed (negative: slept ahead).
    private var owed: Int64 = 0

    public init() {}

    /// Adds `nanoseconds` to what is owed, sleeps it off if anything is owed, and returns how long it slept.
    public mutating func wait(nanoseconds: UInt64) -> UInt64 {
        owed += Int64(clamping: nanoseconds)
        guard owed > 0 else { return 0 }
        let start = MonotonicClock.now()
        let deadline = start + UInt64(owed)
        var now = start
        while now < deadline {
            let left = deadline - now
            var request = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            _ = nanosleep(&request, nil)
            now = MonotonicClock.now()
        }
        owed -= Int64(now - start)
        return now - start
    }
}
