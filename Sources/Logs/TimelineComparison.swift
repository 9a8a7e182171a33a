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
        public var baselineSum: Int64
        public var regressedSum: Int64
        public var deltas: [Int64]

        /// Summed over the workload (the paired runs).
        public var sum: Int64 { regressedSum - baselineSum }
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
        var pending: [String: [LoggedRun]] = [:]
        var unmatchedRegressed: [LoggedRun] = []
        for logged in runs(regressed) {
            if let key = logged.run.pairingKey {
                pending[key, default: []].append(logged)
            } else {
                unmatchedRegressed.append(logged)
            }
        }
        var pairs: [Pair] = []
        var unmatchedBaseline: [LoggedRun] = []
        for logged in runs(baseline) {
            if let key = logged.run.pairingKey, var queue = pending[key], !queue.isEmpty {
                pairs.append(Pair(job: key, baseline: logged, regressed: queue.removeFirst()))
                pending[key] = queue
            } else {
                unmatchedBaseline.append(logged)
            }
        }
        // Left over, in the regressed logs' order.
        let leftover = Set(pending.values.flatMap { $0.map { "\($0.log)#\($0.run.index)" } })
        unmatchedRegressed += runs(regressed).filter {
            $0.run.pairingKey != nil && leftover.contains("\($0.log)#\($0.run.index)")
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
            d.baselineSum += a
            d.regressedSum += b
            d.deltas.append(b - a)
        }
        return d
    }
}
