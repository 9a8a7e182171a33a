import Foundation
import Model

/// One phase of one variant, folded over its finished invocations.
struct PhaseAccumulator {
    /// Sized for 10 s up front (a histogram that grows while recording is slow); it still grows past that.
    var distribution = PhaseDistribution(maximum: 10_000_000_000)
    /// Invocations that recorded the phase, and their sums.
    var invocations = 0
    var unitsDone = 0
    var productionUnits = 0
    var sampled = false
    var nativeMsSum = 0.0
    var scansSum = 0.0
    var scanMsSum = 0.0
    /// Seconds per finished invocation, zero where it skipped the phase (it failed earlier).
    var seconds = Moments()

    mutating func add(_ record: PhaseRecord) {
        distribution.record(nanoseconds: record.productionModelledNs)
        invocations += 1
        unitsDone += record.units
        productionUnits += record.productionUnits
        sampled = sampled || record.provenance == .sampled
        nativeMsSum += record.productionNativeNs / 1e6
        scansSum += Double(record.scans)
        scanMsSum += Double(record.scanModelledNs) / 1e6
    }
}

/// HTTP work of one phase of one variant: counters summed, attempt latencies in one histogram.
struct HTTPAccumulator {
    var total = HTTPCounters()
    var latency = PhaseDistribution()

    mutating func add(_ counters: HTTPCounters) {
        var sums = counters
        sums.latencyMicroseconds = []
        total.add(sums)
        for micros in counters.latencyMicroseconds { latency.record(nanoseconds: Double(micros) * 1000) }
    }

    func summary(phase: Phase) -> HTTPPhaseSummary {
        HTTPPhaseSummary(
            phase: phase, calls: total.calls, requests: total.requests, retries: total.retries,
            failures: total.failures, latencyMs: latency.summary, bytesSent: total.bytesSent,
            bytesReceived: total.bytesReceived, backoffMs: Double(total.backoffMicroseconds) / 1000,
            connectionsOpened: total.connectionsOpened)
    }
}

/// What the summary lists per finished invocation, kept compact (counts above 2³¹ − 1 are clamped).
struct FinishedInvocation {
    var total: Double
    var startRank: Int32
    var index: Int32
    var scans: Int32
    var lookups: Int32
    var backendsCalls: Int32
    var addonObjects: Int32
    var groupsTouched: Int32
    var errorPaths: Int32
    var persistentHits: Int32
    var succeeded: Bool

    init(index: Int, startRank: Int32, total: Double, outcome o: InvocationOutcome) {
        self.total = total
        self.startRank = startRank
        self.index = Int32(clamping: index)
        scans = Int32(clamping: o.discovery.scans)
        lookups = Int32(clamping: o.discovery.lookups)
        backendsCalls = Int32(clamping: o.discovery.backendsCalls)
        addonObjects = Int32(clamping: o.discovery.addonObjects)
        groupsTouched = Int32(clamping: o.discovery.groupsTouched)
        errorPaths = Int32(clamping: o.errorPaths)
        persistentHits = Int32(clamping: o.discovery.persistentHits)
        succeeded = o.succeeded
    }

    func counts(ordinal: Int) -> InvocationCounts {
        InvocationCounts(
            index: Int(index), ordinal: ordinal, succeeded: succeeded, scans: Int(scans), lookups: Int(lookups),
            backendsCalls: Int(backendsCalls), addonObjects: Int(addonObjects), groupsTouched: Int(groupsTouched),
            errorPaths: Int(errorPaths), persistentHits: Int(persistentHits))
    }
}

/// The job an invocation ran and the weight of its result (`JobAllocation`).
struct JobShare {
    var index: Int
    var weight: Double
}

/// One variant's statistics, folded invocation by invocation as each finishes.
///
/// Time statistics hold each invocation's seconds times its job's weight, so their plain means are
/// means per production run whatever the jobs' shares of the invocations; the histograms and the
/// per-job sums hold the seconds as measured.
struct VariantAccumulator {
    var planned = 0
    var lost = 0
    /// Parallel to the accumulator's `phaseNames`.
    var phases: [PhaseAccumulator]
    var http: [HTTPAccumulator?]
    /// Seconds per category (indexed like `CostCategory.allCases`), summed over finished invocations.
    var categorySums = [Double](repeating: 0, count: CostCategory.allCases.count)
    /// Per finished invocation, in arrival order until `sortByStart`: its simulated seconds, start
    /// rank and scans. Flat arrays (16 bytes an invocation): the estimate and the scan statistics
    /// need every invocation, nothing else does.
    var totals: [Double] = []
    var startRanks: [Int32] = []
    var scanCounts: [Int32] = []
    /// The job of each entry of `totals`.
    var totalJobs: [Int32] = []
    /// What the summary lists per invocation, for the first `listedInvocationLimit` in start order
    /// only (`ListedInvocations` keeps it bounded).
    var listed = ListedInvocations(limit: VariantSummary.listedInvocationLimit)
    /// Per finished invocation (rows parallel to `totals`), each phase's seconds: kept only while
    /// the variant is small enough for the bootstrap of the top phase, dropped past that.
    var phaseSeconds: [Double]? = []

    var finishedCount: Int { totals.count }
    var succeeded = 0
    var failed = 0
    var errorPaths = 0
    var heartbeats = 0
    var jobOverlaps = 0
    var httpFailedInvocations = 0
    var databaseLockedInvocations = 0
    /// Nanoseconds waited for the system database's lock, per phase (parallel to `phases`), over
    /// every finished invocation.
    var lockWaitNs: [UInt64]
    var storage = StorageCounters()
    var errorMessages = Set<String>()
    /// Per job (by index): completed invocations and their simulated seconds, as measured.
    var jobInvocations: [Int]
    var jobSeconds: [Double]

    static let scanCategory = CostCategory.allCases.firstIndex(of: .discoveryScans)!

    init(phaseCount: Int, jobCount: Int = 1) {
        phases = Array(repeating: PhaseAccumulator(), count: phaseCount)
        http = Array(repeating: nil, count: phaseCount)
        lockWaitNs = Array(repeating: 0, count: phaseCount)
        jobInvocations = Array(repeating: 0, count: jobCount)
        jobSeconds = Array(repeating: 0, count: jobCount)
    }

    /// Room for `count` finished invocations in the per-invocation arrays.
    mutating func reserveCapacity(_ count: Int) {
        totals.reserveCapacity(count)
        startRanks.reserveCapacity(count)
        scanCounts.reserveCapacity(count)
    }

    /// Folds one finished invocation: `records` by position in `phaseNames` (nil: not recorded),
    /// `all` every phase it recorded (also ones outside `phaseNames`). An invocation an
    /// infrastructure fault failed is counted (failed, its HTTP and SQLite counters, its lock
    /// waits) but kept out of every time statistic: its pipeline did not complete.
    mutating func add(
        _ invocation: FinishedInvocation, job: JobShare = JobShare(index: 0, weight: 1), records: [PhaseRecord?],
        all: [PhaseRecord], outcome o: InvocationOutcome, phaseNames: [Phase], stateBackend: StateBackendKind,
        messages: [String]
    ) {
        let completed = o.infrastructureFailure == nil
        if completed {
            addTimes(
                invocation, job: job.index, weight: job.weight, records: records, all: all,
                stateBackend: stateBackend)
            if jobInvocations.indices.contains(job.index) {
                jobInvocations[job.index] += 1
                jobSeconds[job.index] += invocation.total
            }
        }
        for (p, record) in records.enumerated() {
            if let wait = record?.lockWaitNs { lockWaitNs[p] += wait }
            if let counters = o.http?[phaseNames[p]] {
                if http[p] == nil { http[p] = HTTPAccumulator() }
                http[p]!.add(counters)
            }
        }
        if o.succeeded { succeeded += 1 } else { failed += 1 }
        errorPaths += o.errorPaths
        heartbeats += o.heartbeats
        if o.jobOverlap { jobOverlaps += 1 }
        switch o.infrastructureFailure {
        case .http: httpFailedInvocations += 1
        case .databaseLocked: databaseLockedInvocations += 1
        case nil: break
        }
        storage.statements += o.storage.statements
        storage.transactions += o.storage.transactions
        storage.busyWaits += o.storage.busyWaits
        storage.busyWaitNs += o.storage.busyWaitNs
        storage.retries += o.storage.retries
        storage.lockWaits += o.storage.lockWaits
        errorMessages.formUnion(messages)
    }

    /// The time statistics of a completed invocation: its total, its phases, its kinds of work.
    private mutating func addTimes(
        _ invocation: FinishedInvocation, job: Int, weight: Double, records: [PhaseRecord?], all: [PhaseRecord],
        stateBackend: StateBackendKind
    ) {
        totals.append(invocation.total * weight)
        totalJobs.append(Int32(clamping: job))
        startRanks.append(invocation.startRank)
        scanCounts.append(invocation.scans)
        listed.add(invocation)
        for (p, record) in records.enumerated() {
            let seconds = (record?.productionModelledNs ?? 0) / 1e9 * weight
            if let record { phases[p].add(record) }
            phases[p].seconds.add(seconds)
            phaseSeconds?.append(seconds)
        }
        if finishedCount > DifferenceOfMeans.bootstrapLimit { phaseSeconds = nil }
        // CostCategory.seconds(of:stateBackend:) without its dictionary per invocation.
        for record in all {
            let scan = Double(record.scanModelledNs)
            categorySums[Self.scanCategory] += scan / 1e9 * weight
            let category = CostCategory.allCases.firstIndex(of: record.phase.category(stateBackend: stateBackend))!
            categorySums[category] += max(0, record.productionModelledNs - scan) / 1e9 * weight
        }
    }

    /// Puts the finished invocations (and their phase rows) in the order they started.
    mutating func sortByStart() {
        listed.sort()
        guard startRanks.indices.dropFirst().contains(where: { startRanks[$0 - 1] > startRanks[$0] }) else { return }
        let order = startRanks.indices.sorted { startRanks[$0] < startRanks[$1] }
        totals = order.map { totals[$0] }
        startRanks = order.map { startRanks[$0] }
        scanCounts = order.map { scanCounts[$0] }
        totalJobs = order.map { totalJobs[$0] }
        if let rows = phaseSeconds {
            let width = phases.count
            phaseSeconds = order.flatMap { rows[$0 * width..<($0 + 1) * width] }
        }
    }

    /// `totals` with each job's own mean taken out and the overall mean put back: what varies by
    /// chance within a job, not between jobs of different sizes (fixed by the workload, not
    /// sampled). Scaled by √(n/(n−1)) so a job's few residuals keep its variance; a job run once
    /// has no spread to show and adds the overall mean.
    func totalsWithinJobs() -> [Double] {
        var sums: [Int32: (sum: Double, count: Int)] = [:]
        for (x, j) in zip(totals, totalJobs) {
            sums[j, default: (0, 0)].sum += x
            sums[j, default: (0, 0)].count += 1
        }
        let overall = totals.isEmpty ? 0 : totals.reduce(0, +) / Double(totals.count)
        return zip(totals, totalJobs).map { x, j in
            let (sum, n) = sums[j]!
            guard n > 1 else { return overall }
            return overall + (x - sum / Double(n)) * (Double(n) / Double(n - 1)).squareRoot()
        }
    }

    /// Each phase's seconds per finished invocation, in start order; nil once the rows were dropped.
    func seconds(ofPhaseAt p: Int) -> [Double]? {
        guard let rows = phaseSeconds else { return nil }
        return stride(from: p, to: rows.count, by: phases.count).map { rows[$0] }
    }
}

/// The first `limit` finished invocations in start order, kept while they arrive in any order in at
/// most twice `limit` records: past that, it sorts, keeps the first `limit` and from then on takes
/// only invocations that started before the last one kept.
struct ListedInvocations {
    let limit: Int
    private(set) var records: [FinishedInvocation] = []
    /// Start rank past which nothing can enter the list any more.
    private var cutoff = Int32.max

    init(limit: Int) { self.limit = limit }

    mutating func add(_ invocation: FinishedInvocation) {
        guard invocation.startRank < cutoff else { return }
        records.append(invocation)
        if records.count >= 2 * limit { sort() }
    }

    /// Sorts by start rank and drops what is past `limit`.
    mutating func sort() {
        records.sort { $0.startRank < $1.startRank }
        guard records.count > limit else { return }
        records.removeSubrange(limit...)
        cutoff = records[limit - 1].startRank
    }
}
