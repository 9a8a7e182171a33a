/// One job of the workload: a tap → target pair under its own state id, with how often it runs in
/// the production period and its own sizes and assumed seconds (docs/workload.md).
///
/// A scenario with `jobs: N` has N alike jobs sharing `production.runs` and the top-level sizes; a
/// `jobs:` list (what `simulate scenario --from-logs` writes) gives each its own.
public struct WorkloadJob: Sendable, Equatable {
    /// The job's name (its state id in Meltano's logs, `env:tap-to-target:suffix`).
    public var name: String
    /// `meltano run` processes of this job in the production period.
    public var runs: Int
    public var catalogLines: Int
    public var stateMessages: Int
    /// Pages the tap reads over HTTP per run.
    public var pages: Int
    /// Seconds per run of each assumed phase (`Phase.assumed`), in run order.
    public var assumedSeconds: [Double]

    public init(name: String, runs: Int, catalogLines: Int, stateMessages: Int, pages: Int, assumedSeconds: [Double]) {
        precondition(assumedSeconds.count == Phase.assumed.count, "one value per assumed phase")
        self.name = name
        self.runs = runs
        self.catalogLines = catalogLines
        self.stateMessages = stateMessages
        self.pages = pages
        self.assumedSeconds = assumedSeconds
    }

    /// The job's assumed seconds per run, in total.
    public var assumedSecondsPerRun: Double { assumedSeconds.reduce(0, +) }

    /// The sizes a worker needs to run it.
    public var work: JobWork { JobWork(catalogLines: catalogLines, stateMessages: stateMessages, pages: pages) }
}

/// A job's sizes as a worker receives them with its batch.
public struct JobWork: Codable, Sendable, Equatable {
    public var catalogLines: Int
    public var stateMessages: Int
    public var pages: Int

    public init(catalogLines: Int, stateMessages: Int, pages: Int) {
        self.catalogLines = catalogLines
        self.stateMessages = stateMessages
        self.pages = pages
    }
}

/// Which job each invocation ordinal of a variant runs, and what its result stands for.
///
/// Invocations are shared out in proportion to the jobs' runs, each job at least one, handed out
/// round robin (with alike jobs, ordinal k runs job k mod jobs). An invocation of job j stands for
/// `runs_j / invocations_j` production runs; its `weight` is that over the average, so that the
/// plain mean of weighted seconds over all invocations is the production-weighted mean per run
/// (1 for every invocation when the shares come out exact, as in the Matatika workload).
public struct JobAllocation: Sendable, Equatable {
    /// Job index per ordinal.
    public let jobOfOrdinal: [Int]
    /// Invocations per job.
    public let invocations: [Int]
    /// Per job, the weight of each of its invocations.
    public let weights: [Double]

    /// Shares `invocations` among `runs` (one entry per job). With fewer invocations than jobs,
    /// the jobs with the most runs get one each and stand for the rest (`unsimulatedJobs` counts
    /// those left out); nil with no job or no invocation.
    public init?(runs: [Int], invocations: Int) {
        guard !runs.isEmpty, invocations > 0 else { return nil }
        guard invocations >= runs.count else {
            let chosen = Set(runs.indices.sorted { runs[$0] > runs[$1] }.prefix(invocations))
            self.init(
                runs: runs.indices.map { chosen.contains($0) ? runs[$0] : 0 }, invocations: invocations, among: chosen)
            return
        }
        self.init(runs: runs, invocations: invocations, among: Set(runs.indices))
    }

    /// Shares `invocations` among the jobs in `among` (as many or fewer than the invocations).
    private init(runs: [Int], invocations: Int, among: Set<Int>) {
        let jobs = runs.count
        let total = Double(runs.reduce(0, +))
        let exact = runs.map { Double(invocations) * Double($0) / total }
        var counts = exact.indices.map { among.contains($0) ? max(1, Int(exact[$0])) : 0 }
        // Largest remainders first while there are invocations left; largest shares give back any excess.
        var left = invocations - counts.reduce(0, +)
        for j in exact.indices.sorted(by: { exact[$0] - Double(counts[$0]) > exact[$1] - Double(counts[$1]) })
        where left > 0 && among.contains(j) {
            counts[j] += 1
            left -= 1
        }
        for j in counts.indices.sorted(by: { counts[$0] > counts[$1] }) where left < 0 && counts[j] > 1 {
            let give = min(counts[j] - 1, -left)
            counts[j] -= give
            left += give
        }
        var quota = counts
        var order: [Int] = []
        order.reserveCapacity(invocations)
        while order.count < invocations {
            for j in 0..<jobs where quota[j] > 0 {
                order.append(j)
                quota[j] -= 1
            }
        }
        jobOfOrdinal = order
        self.invocations = counts
        weights = (0..<jobs).map { j in
            counts[j] == 0 ? 0 : (Double(runs[j]) / total) / (Double(counts[j]) / Double(invocations))
        }
    }

    /// Jobs no invocation runs (fewer invocations than jobs): the simulated ones stand for them.
    public var unsimulatedJobs: Int { invocations.filter { $0 == 0 }.count }

    /// The job ordinal `ordinal` runs (ordinals past the plan wrap around).
    public func job(ofOrdinal ordinal: Int) -> Int { jobOfOrdinal[ordinal % jobOfOrdinal.count] }

    /// The weight of ordinal `ordinal`'s result.
    public func weight(ofOrdinal ordinal: Int) -> Double { weights[job(ofOrdinal: ordinal)] }

    /// Whether every invocation stands for the same share of production (no reweighting happens).
    public var isUniform: Bool { weights.allSatisfy { abs($0 - 1) < 1e-12 } }
}
