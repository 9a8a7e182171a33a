import Foundation

/// What `simulate timeline --json --baseline ... --regressed ...` writes (schema
/// `simulate-timeline-comparison/1`, described in docs/logs.md).
public struct ComparisonDocument: Codable, Equatable, Sendable {
    public static let schemaName = "simulate-timeline-comparison/1"

    public var schema: String
    public var baseline: [String]
    public var regressed: [String]
    /// One per phase in pipeline order, then `total` separately.
    public var phases: [Delta]
    public var total: Delta
    public var pairs: [Pair]
    public var unmatchedBaseline: [RunReference]
    public var unmatchedRegressed: [RunReference]

    /// Seconds; the delta fields are null when no pair knows the value.
    public struct Delta: Codable, Equatable, Sendable {
        public var name: String
        public var pairs: Int
        public var unknownPairs: Int
        public var baselineSeconds: Double?
        public var regressedSeconds: Double?
        public var deltaSeconds: Double?
        public var meanDeltaSeconds: Double?
        public var minDeltaSeconds: Double?
        public var maxDeltaSeconds: Double?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(pairs, forKey: .pairs)
            try c.encode(unknownPairs, forKey: .unknownPairs)
            try c.encode(baselineSeconds, forKey: .baselineSeconds)
            try c.encode(regressedSeconds, forKey: .regressedSeconds)
            try c.encode(deltaSeconds, forKey: .deltaSeconds)
            try c.encode(meanDeltaSeconds, forKey: .meanDeltaSeconds)
            try c.encode(minDeltaSeconds, forKey: .minDeltaSeconds)
            try c.encode(maxDeltaSeconds, forKey: .maxDeltaSeconds)
        }
    }

    public struct RunReference: Codable, Equatable, Sendable {
        public var log: String
        /// The run's `index` in that log's `simulate-timeline/1` document.
        public var run: Int
        public var job: String?
    }

    public struct Pair: Codable, Equatable, Sendable {
        public var job: String
        public var baseline: RunReference
        public var regressed: RunReference
    }

    public init(_ c: TimelineComparison, baseline: [String], regressed: [String]) {
        schema = Self.schemaName
        self.baseline = baseline
        self.regressed = regressed
        func seconds(_ micros: Int64?) -> Double? { micros.map { Double($0) / 1_000_000 } }
        func seconds(_ micros: Double) -> Double { micros / 1_000_000 }
        func delta(_ d: TimelineComparison.Delta) -> Delta {
            let known = d.pairs > 0
            return Delta(
                name: d.name, pairs: d.pairs, unknownPairs: d.unknownPairs,
                baselineSeconds: known ? seconds(d.baselineSum) : nil,
                regressedSeconds: known ? seconds(d.regressedSum) : nil,
                deltaSeconds: known ? seconds(d.sum) : nil, meanDeltaSeconds: d.mean.map { $0 / 1_000_000 },
                minDeltaSeconds: seconds(d.min), maxDeltaSeconds: seconds(d.max))
        }
        func reference(_ r: TimelineComparison.LoggedRun) -> RunReference {
            RunReference(log: r.log, run: r.run.index, job: r.run.pairingKey)
        }
        phases = c.phases.map(delta)
        total = delta(c.total)
        pairs = c.pairs.map { Pair(job: $0.job, baseline: reference($0.baseline), regressed: reference($0.regressed)) }
        unmatchedBaseline = c.unmatchedBaseline.map(reference)
        unmatchedRegressed = c.unmatchedRegressed.map(reference)
    }

    /// Pretty-printed, keys sorted, snake_case.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}
