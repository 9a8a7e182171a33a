import Foundation
import Model

/// A run's events folded as they arrive: per-(variant, phase) histograms, sums and counters, and
/// per finished invocation only what the summary lists and the estimate resamples. Nothing keeps
/// the events themselves, so memory grows with the invocations, not with the lines.
///
/// Not thread-safe: the event log calls it under its lock. `RunAnalyzer` turns it into the summary.
public final class RunAccumulator: EventFolding {
    let scenario: Scenario
    /// The phases each variant summarizes, in run order.
    let phaseNames: [Phase]
    let variantNames: [String]
    /// Position of each `Phase.allCases` case in `phaseNames`, or -1.
    private let phasePosition: [Int]
    var variants: [VariantAccumulator]
    /// The plan by invocation index (dense: `InvocationPlan` numbers invocations 0..<n).
    var plan: CompactPlan
    /// Events of invocations that have not finished yet: few, one or two per running worker.
    private var inFlight: [Int: InFlight] = [:]
    private var started: Int32 = 0
    public private(set) var failures = FailureCounts()
    /// `--cache cold`: every invocation's page drops, summed.
    public private(set) var coldCache = PageEviction()
    public private(set) var integrity = IntegrityFacts()
    /// A fleet run's arrivals, starts, finishes and per-run work; nil when the run is not a fleet.
    var fleet: FleetAccumulator?

    /// What the integrity check compares the databases with.
    public struct IntegrityFacts: Sendable {
        /// `invocation_finished` events.
        public var finishedEvents = 0
        /// State writes the workers reported (invocations of the plan).
        public var stateWritesReported: Int { stateWritesByID.values.reduce(0, +) }
        /// State ids of planned invocations that wrote state, with the writes reported for each.
        public var stateWritesByID: [String: Int] = [:]
        /// State ids of planned invocations that wrote state.
        public var stateIDsWritten: Set<String> { Set(stateWritesByID.keys) }
        /// Per state id, the write with the highest sequence.
        public var lastWrites: [String: LastStateWrite] = [:]
    }

    struct InFlight {
        var phases: [PhaseRecord] = []
        var messages: [String] = []
    }

    public init(scenario: Scenario, plan: some Sequence<InvocationSpec>) {
        self.scenario = scenario
        let names = scenario.workload == .microbench ? Phase.microbench : Phase.simulated
        phaseNames = names
        variantNames = scenario.variants.map(\.name)
        phasePosition = Phase.allCases.map { names.firstIndex(of: $0) ?? -1 }
        variants = Array(
            repeating: VariantAccumulator(phaseCount: names.count, jobCount: scenario.workloadJobs.count),
            count: variantNames.count)
        fleet = scenario.isFleet ? FleetAccumulator() : nil
        self.plan = CompactPlan(plan, variants: variantNames)
        for v in self.plan.variant where Int(v) < variants.count { variants[Int(v)].planned += 1 }
        // Arrays sized once: grown by doubling, they would hold up to twice what a run needs.
        for v in variants.indices { variants[v].reserveCapacity(variants[v].planned) }
    }

    /// Folds every event of an `events.jsonl`, line by line; returns the lines that were not events.
    @discardableResult
    public func fold(contentsOf url: URL) throws -> Int {
        var skipped = 0
        try JSONLines.read(url) { line in
            if let event = WorkerEvent.parse(utf8: line) { fold(event) } else { skipped += 1 }
        }
        return skipped
    }

    public func hasFinished(invocation: Int) -> Bool { plan.flags(of: invocation) & CompactPlan.finishedEvent != 0 }

    public func fold(_ event: WorkerEvent) {
        foldFailures(event)
        if let eviction = event.outcome?.coldCache { coldCache = coldCache.adding(eviction) }
        guard let i = event.invocation else { return }
        switch event.event {
        case .phase:
            guard let record = event.phase else { return }
            var flight = inFlight[i] ?? InFlight()
            flight.phases.removeAll { $0.phase == record.phase }
            flight.phases.append(record)
            inFlight[i] = flight
        case .errorPath:
            guard let message = event.errorPath?.message else { return }
            inFlight[i, default: InFlight()].messages.append(message)
        case .invocationStarted:
            if plan.contains(i), plan.startRank[i] < 0 { plan.startRank[i] = started }
            started += 1
            fleet?.started(i, at: event.monotonicNs)
        case .invocationFinished:
            finish(i, outcome: event.outcome, at: event.monotonicNs)
        case .runArrived:
            fleet?.arrived(i, at: event.monotonicNs)
        case .invocationLost:
            inFlight[i] = nil
            guard plan.contains(i), plan.flags[i] & CompactPlan.lost == 0 else { return }
            plan.flags[i] |= CompactPlan.lost
            variants[Int(plan.variant[i])].lost += 1
        default: break
        }
    }

    /// A finished invocation: its buffered phases and messages go into its variant's statistics.
    private func finish(_ i: Int, outcome: InvocationOutcome?, at finishedNs: UInt64?) {
        integrity.finishedEvents += 1
        let flight = inFlight.removeValue(forKey: i) ?? InFlight()
        if let write = outcome?.lastStateWrite, write.sequence > integrity.lastWrites[write.stateID]?.sequence ?? 0 {
            integrity.lastWrites[write.stateID] = write
        }
        guard plan.isPlanned(i) else { return }
        plan.flags[i] |= CompactPlan.finishedEvent
        guard let outcome else { return }
        if outcome.stateWrites > 0 {
            integrity.stateWritesByID[plan.stateIDs[Int(plan.stateID[i])], default: 0] += outcome.stateWrites
        }
        // Only invocations seen starting count, once; as before, in the order they started.
        guard plan.contains(i), plan.startRank[i] >= 0, plan.flags[i] & CompactPlan.folded == 0 else { return }
        plan.flags[i] |= CompactPlan.folded
        var records = [PhaseRecord?](repeating: nil, count: phaseNames.count)
        var total = 0.0
        for phase in Phase.allCases {
            guard let record = flight.phases.first(where: { $0.phase == phase }) else { continue }
            total += record.productionModelledNs
            let p = phasePosition[Phase.allCases.firstIndex(of: phase)!]
            if p >= 0 { records[p] = record }
        }
        let ordinal = Int(plan.ordinal[i])
        if fleet != nil {
            let job = scenario.workloadJobs[scenario.jobAllocation.job(ofOrdinal: ordinal)]
            fleet?.finished(
                i, variant: Int(plan.variant[i]), ordinal: ordinal,
                seconds: total / 1e9 + job.assumedSeconds.reduce(0, +), modelledSeconds: total / 1e9, outcome: outcome,
                at: finishedNs)
        }
        variants[Int(plan.variant[i])].add(
            FinishedInvocation(index: i, startRank: plan.startRank[i], total: total / 1e9, outcome: outcome),
            job: JobShare(
                index: scenario.jobAllocation.job(ofOrdinal: ordinal),
                weight: scenario.jobAllocation.weight(ofOrdinal: ordinal)),
            records: records, all: flight.phases, outcome: outcome, phaseNames: phaseNames,
            stateBackend: scenario.stateBackend, messages: flight.messages)
    }

    private func foldFailures(_ e: WorkerEvent) {
        switch e.event {
        case .workerExited where (e.exitStatus ?? 0) != 0: failures.workerExits += 1
        case .workerTimeout: failures.workerTimeouts += 1
        case .malformedLine: failures.malformedLines += 1
        case .invocationLost: failures.lostInvocations += 1
        case .runInterrupted: failures.interrupted = e.detail ?? "interrupted"
        case .invocationFinished:
            guard let outcome = e.outcome else { break }
            switch outcome.infrastructureFailure {
            case .http: failures.httpFailedInvocations = (failures.httpFailedInvocations ?? 0) + 1
            case .databaseLocked: failures.databaseLockedInvocations = (failures.databaseLockedInvocations ?? 0) + 1
            case .databaseUnreachable:
                failures.databaseUnreachableInvocations = (failures.databaseUnreachableInvocations ?? 0) + 1
            case nil: break
            }
            for counters in (outcome.http ?? [:]).values {
                var gaveUp = failures.httpCallsGaveUp ?? CauseCounts()
                gaveUp.add(counters.failures)
                failures.httpCallsGaveUp = gaveUp
            }
        default: break
        }
    }
}

/// The plan by invocation index in a few bytes each: variant, ordinal, state id, start rank, flags.
struct CompactPlan {
    /// Not in the plan.
    static let none = UInt8.max
    /// Planned for a variant the scenario does not list: counted nowhere, as before.
    static let unlisted = UInt8.max - 1
    static let finishedEvent: UInt8 = 1
    static let folded: UInt8 = 2
    static let lost: UInt8 = 4

    var variant: [UInt8] = []
    var ordinal: [Int32] = []
    var stateID: [Int32] = []
    var startRank: [Int32] = []
    var flags: [UInt8] = []
    var stateIDs: [String] = []

    init(_ specs: some Sequence<InvocationSpec>, variants: [String]) {
        let variantIndex = Dictionary(uniqueKeysWithValues: variants.enumerated().map { ($1, UInt8($0)) })
        var stateIndex: [String: Int32] = [:]
        // Grown by doubling, the arrays would hold up to twice the plan.
        let expected = specs.underestimatedCount
        variant.reserveCapacity(expected)
        ordinal.reserveCapacity(expected)
        stateID.reserveCapacity(expected)
        precondition(variants.count < Int(Self.unlisted), "too many variants")
        for spec in specs where spec.index >= 0 {
            if spec.index >= variant.count {
                let grow = spec.index + 1 - variant.count
                variant += repeatElement(Self.none, count: grow)
                ordinal += repeatElement(-1, count: grow)
                stateID += repeatElement(0, count: grow)
            }
            variant[spec.index] = variantIndex[spec.variant] ?? Self.unlisted
            ordinal[spec.index] = Int32(clamping: spec.ordinal)
            stateID[spec.index] =
                stateIndex[spec.stateID]
                ?? {
                    stateIDs.append(spec.stateID)
                    stateIndex[spec.stateID] = Int32(stateIDs.count - 1)
                    return Int32(stateIDs.count - 1)
                }()
        }
        startRank = Array(repeating: -1, count: variant.count)
        flags = Array(repeating: 0, count: variant.count)
    }

    /// Planned, for a variant the scenario lists.
    func contains(_ i: Int) -> Bool { isPlanned(i) && variant[i] != Self.unlisted }

    func isPlanned(_ i: Int) -> Bool { i >= 0 && i < variant.count && variant[i] != Self.none }

    func flags(of i: Int) -> UInt8 { i >= 0 && i < flags.count ? flags[i] : 0 }
}
