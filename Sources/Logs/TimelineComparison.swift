import Model

/// Runs of a baseline workload and a regressed one, paired by job, and how each phase moved.
///
/// Runs pair by job name (`job_name=`, else the echoed `meltano run` command): the k-th run of a
/// job in the baseline logs with its k-th run in the regressed logs. A phase's delta counts only
/// the pairs where both runs know that phase.
public struct TimelineComparison: Sendable {
    /// A run and the log it came from.
    public struct LoggedRun: Sendable {
        public var log: String
        public var run: RunTimeline
    }

    public struct Pair: Sendable {
        public var job: String
        public var baseline: LoggedRun
        public var regressed: LoggedRun
    }

    /// One phase's (or the total's) change over the paired runs, in microseconds.
    public struct Delta: Sendable {
        /// A `LogPhase` raw value, or `total`.
        public var name: String
        /// Pairs where both runs know the value.
        public var pairs: Int
        /// Pairs left out because either run does not know it.
        public var unknownPairs: Int
        /// Sums in microseconds, as `Double` (`MicrosecondSum`): runs can span thousands of years.
        public var baselineSum: Double
        public var regressedSum: Double
        public var deltas: [Int64]

        /// Summed over the workload (the paired runs).
        public var sum: Double { regressedSum - baselineSum }
        /// Per run: the mean delta.
        public var mean: Double? { pairs == 0 ? nil : Double(sum) / Double(pairs) }
        public var min: Int64? { deltas.min() }
        public var max: Int64? { deltas.max() }
    }

    public var pairs: [Pair]
    public var unmatchedBaseline: [LoggedRun]
    public var unmatchedRegressed: [LoggedRun]
    /// One per `LogPhase`, in pipeline order.
    public var phases: [Delta]
    public var total: Delta

    public init(baseline: [LogFileTimeline], regressed: [LogFileTimeline]) {
        func runs(_ logs: [LogFileTimeline]) -> [LoggedRun] {
            logs.flatMap { log in log.runs.map { LoggedRun(log: log.name, run: $0) } }
        }
        // Linear: each job's regressed runs in a queue read through by a cursor.
        let regressedRuns = runs(regressed)
        var queues: [String: (positions: [Int], next: Int)] = [:]
        for (position, logged) in regressedRuns.enumerated() {
            if let key = logged.run.pairingKey { queues[key, default: ([], 0)].positions.append(position) }
        }
        var paired = [Bool](repeating: false, count: regressedRuns.count)
        var pairs: [Pair] = []
        var unmatchedBaseline: [LoggedRun] = []
        for logged in runs(baseline) {
            if let key = logged.run.pairingKey, let queue = queues[key], queue.next < queue.positions.count {
                let position = queue.positions[queue.next]
                queues[key]!.next += 1
                paired[position] = true
                pairs.append(Pair(job: key, baseline: logged, regressed: regressedRuns[position]))
            } else {
                unmatchedBaseline.append(logged)
            }
        }
        // Those without a job first, then the rest left over, each in the regressed logs' order.
        let unmatchedRegressed =
            regressedRuns.filter { $0.run.pairingKey == nil }
            + regressedRuns.indices.filter { !paired[$0] && regressedRuns[$0].run.pairingKey != nil }.map {
                regressedRuns[$0]
            }

        self.pairs = pairs
        self.unmatchedBaseline = unmatchedBaseline
        self.unmatchedRegressed = unmatchedRegressed
        phases = LogPhase.allCases.map { phase in
            Self.delta(phase.rawValue, pairs) { $0.duration(phase).microseconds }
        }
        total = Self.delta("total", pairs) { $0.totalMicroseconds }
    }

    private static func delta(_ name: String, _ pairs: [Pair], _ value: (RunTimeline) -> Int64?) -> Delta {
        var d = Delta(name: name, pairs: 0, unknownPairs: 0, baselineSum: 0, regressedSum: 0, deltas: [])
        for pair in pairs {
            guard let a = value(pair.baseline.run), let b = value(pair.regressed.run) else {
                d.unknownPairs += 1
                continue
            }
            d.pairs += 1
            d.baselineSum += Double(a)
            d.regressedSum += Double(b)
            d.deltas.append(b - a)
        }
        return d
    }
}
