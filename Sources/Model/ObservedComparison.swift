import Foundation

/// Production's own logs of the workload (a baseline and a regressed week or night), reduced to
/// what the report holds the simulation against: per log phase, how much the paired runs changed.
/// Built by the application from `simulate timeline`'s comparison; the analysis never reads logs.
public struct ObservedLogs: Codable, Sendable, Equatable {
    /// One log phase's change over the paired runs.
    public struct PhaseDelta: Codable, Sendable, Equatable {
        public var phase: LogPhase
        /// Mean change per paired run, seconds (regressed − baseline); nil when no pair knows the phase.
        public var deltaSecondsPerRun: Double?
        /// Mean per baseline run, seconds.
        public var baselineSecondsPerRun: Double?
        public var pairs: Int

        public init(phase: LogPhase, deltaSecondsPerRun: Double?, baselineSecondsPerRun: Double?, pairs: Int) {
            self.phase = phase
            self.deltaSecondsPerRun = deltaSecondsPerRun
            self.baselineSecondsPerRun = baselineSecondsPerRun
            self.pairs = pairs
        }
    }

    /// The logs as the scenario names them.
    public var baselineLogs: [String]
    public var regressedLogs: [String]
    /// Runs paired by job name.
    public var pairs: Int
    public var phases: [PhaseDelta]
    /// Whole runs: mean change per paired run, and mean baseline run, seconds.
    public var totalDeltaSecondsPerRun: Double?
    public var baselineTotalSecondsPerRun: Double?

    public init(
        baselineLogs: [String], regressedLogs: [String], pairs: Int, phases: [PhaseDelta],
        totalDeltaSecondsPerRun: Double?, baselineTotalSecondsPerRun: Double?
    ) {
        self.baselineLogs = baselineLogs
        self.regressedLogs = regressedLogs
        self.pairs = pairs
        self.phases = phases
        self.totalDeltaSecondsPerRun = totalDeltaSecondsPerRun
        self.baselineTotalSecondsPerRun = baselineTotalSecondsPerRun
    }
}

/// The simulation held against production phase by phase: for each of the log's phases, the
/// observed change, the change the model makes there, and what is left unexplained (minutes over
/// the production workload).
public struct ObservedComparison: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var phase: LogPhase
        /// The simulated phases whose minutes land in this log phase.
        public var simulatedPhases: [Phase]
        /// Observed change in the logs; nil when no paired run knows this phase.
        public var observedMinutes: Double?
        /// The variant's simulated change against the baseline in these phases.
        public var simulatedMinutes: Double
        /// simulated / observed, where the observed change is at least the noise floor.
        public var explainedShare: Double?
        /// observed − simulated.
        public var unexplainedMinutes: Double?

        public init(
            phase: LogPhase, simulatedPhases: [Phase], observedMinutes: Double?, simulatedMinutes: Double,
            explainedShare: Double?, unexplainedMinutes: Double?
        ) {
            self.phase = phase
            self.simulatedPhases = simulatedPhases
            self.observedMinutes = observedMinutes
            self.simulatedMinutes = simulatedMinutes
            self.explainedShare = explainedShare
            self.unexplainedMinutes = unexplainedMinutes
        }
    }

    /// The variant compared with the regressed logs.
    public var variant: String
    public var logs: ObservedLogs
    public var rows: [Row]
    public var observedTotalMinutes: Double?
    public var simulatedTotalMinutes: Double
    /// Log phases where the model puts more minutes than production did (beyond `slackMinutes`).
    public var overExplained: [LogPhase]
    /// Log phases whose observed change the model leaves mostly unexplained (beyond `slackMinutes`).
    public var underExplained: [LogPhase]
    /// How far apart a simulated and an observed change may be and still count as matching.
    public var slackMinutes: Double

    public init(
        variant: String, logs: ObservedLogs, rows: [Row], observedTotalMinutes: Double?, simulatedTotalMinutes: Double,
        overExplained: [LogPhase], underExplained: [LogPhase], slackMinutes: Double
    ) {
        self.variant = variant
        self.logs = logs
        self.rows = rows
        self.observedTotalMinutes = observedTotalMinutes
        self.simulatedTotalMinutes = simulatedTotalMinutes
        self.overExplained = overExplained
        self.underExplained = underExplained
        self.slackMinutes = slackMinutes
    }
}
