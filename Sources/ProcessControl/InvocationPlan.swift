import Model
import Pipeline

/// Which invocations run, in which order, and which errors each meets; fixed by the seed.
public struct InvocationPlan: Sendable {
    public let invocations: [InvocationSpec]
    /// A fleet run: each invocation's arrival, in seconds from its variant's day start in the replay
    /// (by invocation index); nil otherwise.
    public let arrivals: [Double]?

    /// Builds `scenario.invocations` invocations per variant, interleaved in a seeded random order;
    /// ordinal k runs the job `scenario.jobAllocation` gives it (each job in proportion to its runs).
    ///
    /// Error decisions depend on (seed, ordinal, initialization) only, so invocation k of every
    /// variant meets the same errors, and two runs with the same seed make the same decisions.
    ///
    /// A fleet run is not shuffled: each variant replays the same day in turn, its runs in the
    /// order they arrive (ordinal k is the day's k-th run).
    public init(scenario: Scenario) {
        var specs: [InvocationSpec] = []
        for variant in scenario.variants {
            for ordinal in 0..<scenario.invocations {
                let jobIndex = scenario.jobAllocation.job(ofOrdinal: ordinal)
                let job = scenario.workloadJobs[jobIndex].name
                let errors = (1...2).map {
                    Self.meetsError(seed: scenario.seed, ordinal: ordinal, initialization: $0, rate: scenario.errorRate)
                }
                let stateID = "\(variant.name):\(job)"
                specs.append(
                    InvocationSpec(
                        index: 0, ordinal: ordinal, variant: variant.name, job: stateID, jobIndex: jobIndex,
                        stateID: stateID, errorAtInit: errors))
            }
        }
        let dayArrivals = scenario.fleetReplayArrivals
        if dayArrivals == nil {
            var rng = Self.orderStream(seed: scenario.seed)
            for i in stride(from: specs.count - 1, to: 0, by: -1) {
                specs.swapAt(i, rng.nextInt(below: i + 1))
            }
        }
        arrivals = dayArrivals.map { day in specs.map { day[$0.ordinal] } }
        invocations = specs.enumerated().map { index, s in
            InvocationSpec(
                index: index, ordinal: s.ordinal, variant: s.variant, job: s.job, jobIndex: s.jobIndex,
                stateID: s.stateID, errorAtInit: s.errorAtInit)
        }
    }

    /// The stream the plan's shuffle draws from.
    static func orderStream(seed: UInt64) -> SeededRandom {
        SeededRandom(seed: seed, stream: "plan-order")
    }

    /// Whether initialization `initialization` (1 or 2) of invocation `ordinal` meets an unknown scheme.
    static func meetsError(seed: UInt64, ordinal: Int, initialization: Int, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        return Double(errorDraw(seed: seed, ordinal: ordinal, initialization: initialization) >> 11) * 0x1.0p-53 < rate
    }

    /// The raw draw behind one error decision: from its own stream, independent of the plan order.
    static func errorDraw(seed: UInt64, ordinal: Int, initialization: Int) -> UInt64 {
        var rng = SeededRandom(seed: seed, stream: "error-decision", ordinal: UInt64(ordinal * 2 + initialization))
        return rng.next()
    }

    /// The invocations split into the batches worker processes receive, in plan order.
    public func batches(size: Int) -> [[InvocationSpec]] {
        stride(from: 0, to: invocations.count, by: max(1, size)).map {
            Array(invocations[$0..<min($0 + max(1, size), invocations.count)])
        }
    }
}
