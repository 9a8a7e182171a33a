import Foundation
import Model

/// Turns a run's folded events (`RunAccumulator`) into per-variant, per-phase statistics and the
/// production estimate, in three steps: collect (the accumulator's fold, as events arrive), then
/// `summarize` each variant, then `attribute` the regression.
///
/// Estimate: each invocation's simulated seconds (sampled phases extrapolated to their production
/// unit counts) plus the scenario's assumed per-run seconds, times `production.runs`, plus the
/// gaps between runs. The regression against the baseline carries an interval over invocations
/// (`DifferenceOfMeans`: bootstrap, or the normal approximation for large samples).
public struct RunAnalyzer {
    public struct Input {
        public var scenario: Scenario
        /// The run's events, folded (and the plan it was made with).
        public var accumulator: RunAccumulator
        public var command: String
        public var startedAt: Date
        public var wallSeconds: Double
        /// False when a worker died, hung or was killed, or the run was interrupted (the summary's
        /// `complete` also weighs failed invocations and the integrity check).
        public var complete: Bool
        public var workerProcesses: Int
        /// How the workers were started (`zygote` or `exec`), when known.
        public var workerSpawn: String?
        public var environment: EnvironmentInfo
        public var costProfile: CostProfile
        public var integrity: IntegrityInfo?
        /// The 1-minute load average when the run started.
        public var loadAverageAtStart: Double?
        /// `--cache cold`: the warm/cold scans measured before the run.
        public var coldReference: ScanCacheComparison?
        /// Variants that scanned their own environment, with its distribution count.
        public var variantDistributions: [String: Int]
        /// The loopback server, when the run had one.
        public var httpServer: HTTPServerSummary?
        /// Production's own logs of the workload, when the scenario names them.
        public var observedLogs: ObservedLogs? = nil

        public init(
            scenario: Scenario, accumulator: RunAccumulator, command: String, startedAt: Date,
            wallSeconds: Double, complete: Bool,
            workerProcesses: Int, environment: EnvironmentInfo, costProfile: CostProfile, integrity: IntegrityInfo?,
            loadAverageAtStart: Double? = nil, coldReference: ScanCacheComparison? = nil,
            variantDistributions: [String: Int] = [:],
            httpServer: HTTPServerSummary? = nil, workerSpawn: String? = nil, observedLogs: ObservedLogs? = nil
        ) {
            self.scenario = scenario
            self.accumulator = accumulator
            self.command = command
            self.startedAt = startedAt
            self.wallSeconds = wallSeconds
            self.complete = complete
            self.workerProcesses = workerProcesses
            self.environment = environment
            self.costProfile = costProfile
            self.integrity = integrity
            self.loadAverageAtStart = loadAverageAtStart
            self.coldReference = coldReference
            self.variantDistributions = variantDistributions
            self.httpServer = httpServer
            self.workerSpawn = workerSpawn
            self.observedLogs = observedLogs
        }

        /// Folds `events` (all of a run's, in the order they arrived) into a fresh accumulator.
        public init(
            scenario: Scenario, plan: [InvocationSpec], events: [WorkerEvent], command: String, startedAt: Date,
            wallSeconds: Double, complete: Bool,
            workerProcesses: Int, environment: EnvironmentInfo, costProfile: CostProfile, integrity: IntegrityInfo?,
            loadAverageAtStart: Double? = nil, coldReference: ScanCacheComparison? = nil,
            variantDistributions: [String: Int] = [:],
            httpServer: HTTPServerSummary? = nil, workerSpawn: String? = nil
        ) {
            let accumulator = RunAccumulator(scenario: scenario, plan: plan)
            for event in events { accumulator.fold(event) }
            self.init(
                scenario: scenario, accumulator: accumulator, command: command, startedAt: startedAt,
                wallSeconds: wallSeconds, complete: complete, workerProcesses: workerProcesses,
                environment: environment, costProfile: costProfile, integrity: integrity,
                loadAverageAtStart: loadAverageAtStart, coldReference: coldReference,
                variantDistributions: variantDistributions, httpServer: httpServer, workerSpawn: workerSpawn)
        }
    }

    /// Regressions smaller than this (minutes over the production workload) get no phase shares.
    public static let minimumShareableMinutes = 0.05

    public init() {}

    /// Summarizes the accumulator (putting its invocations in start order as it goes).
    public func analyze(_ input: Input) -> RunSummary {
        let scenario = input.scenario
        let accumulator = input.accumulator
        var variants = scenario.variants.indices.map { summarize(variant: $0, input) }
        attribute(&variants, accumulator, costs: input.costProfile)
        let observed = input.observedLogs.flatMap { logs in
            Headline.focal(variants, scenario: scenario).map {
                ObservedAttribution.compare(logs: logs, variant: $0, productionRuns: scenario.productionRuns)
            }
        }
        let outcome = RunOutcome.assess(
            workersEnded: input.complete, failures: accumulator.failures,
            infrastructureFailed: [
                .http: variants.reduce(0) { $0 + ($1.httpFailedInvocations ?? 0) },
                .databaseLocked: variants.reduce(0) { $0 + ($1.databaseLockedInvocations ?? 0) },
                .databaseUnreachable: variants.reduce(0) { $0 + ($1.databaseUnreachableInvocations ?? 0) },
            ], integrity: input.integrity, planned: variants.reduce(0) { $0 + $1.planned },
            completed: variants.reduce(0) { $0 + $1.simulatedSeconds.count })
        var summary = RunSummary(
            tool: "simulate", scenario: scenarioInfo(scenario), command: input.command,
            startedAt: ISO8601DateFormatter().string(from: input.startedAt), wallSeconds: input.wallSeconds,
            complete: outcome.status == .complete, environment: input.environment,
            machine: MachineInfo.current(loadAverageAtStart: input.loadAverageAtStart),
            costProfile: CostProfileInfo(
                name: input.costProfile.name, description: input.costProfile.description, file: input.costProfile.file,
                units: input.costProfile.units.mapValues(\.value), sources: input.costProfile.units.mapValues(\.source),
                calibration: input.costProfile.calibration),
            pageCache: pageCache(input),
            workerProcesses: input.workerProcesses,
            workerSpawn: input.workerSpawn.flatMap(WorkerSpawnMode.init(rawValue:)),
            baseline: scenario.baseline.name,
            variants: variants,
            integrity: input.integrity, httpServer: input.httpServer, failures: accumulator.failures,
            headline: Headline.sentence(
                variants: variants, scenario: scenario, outcome: outcome, observed: observed),
            notes: notes(scenario: scenario, costProfile: input.costProfile),
            warnings: StatisticalChecks.warnings(
                variants: variants, withinJobs: withinJobs(scenario, accumulator),
                loadAverage: input.loadAverageAtStart,
                cores: ProcessInfo.processInfo.activeProcessorCount))
        summary.observed = observed
        summary.outcome = outcome
        summary.fleet = accumulator.fleet.map { FleetAnalysis.summarize(scenario, $0) }
        return summary
    }

    /// Per variant, the moments of its seconds within jobs; nil unless the scenario lists its jobs.
    func withinJobs(_ scenario: Scenario, _ accumulator: RunAccumulator) -> [String: SecondsMoments]? {
        guard scenario.jobEntries != nil else { return nil }
        return Dictionary(
            uniqueKeysWithValues: scenario.variants.indices.map {
                (scenario.variants[$0].name, SecondsMoments(accumulator.variants[$0].totalsWithinJobs()))
            })
    }

    /// `--cache cold`: the reference measurement plus what the run's own drops did.
    func pageCache(_ input: Input) -> PageCacheInfo? {
        guard let reference = input.coldReference else { return nil }
        let run = input.accumulator.coldCache
        let cold = input.costProfile.microseconds(.scanColdPerDistribution) != nil
        return PageCacheInfo(
            method:
                "posix_fadvise(POSIX_FADV_DONTNEED) on every file of the environment (after fdatasync) before each scan; "
                + "checked with mincore on a sample; directory blocks and inode/dentry caches stay warm (no root)",
            reference: reference, run: run,
            paddedWith: input.costProfile.units.isEmpty
                ? "nothing (cost profile `native`): the native cold scans are the numbers"
                : cold
                    ? "the profile's cold units (scan.cold_fixed_us, scan.cold_per_distribution_us)"
                    : "the profile's warm units (it has no cold ones): the cold cost shows only where the native cold scan exceeds them"
        )
    }

    /// Caveats a reader needs before trusting the numbers.
    func notes(scenario: Scenario, costProfile: CostProfile) -> [String] {
        var notes: [String] = []
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if scenario.workers > cores {
            notes.append(
                "\(scenario.workers) workers ran on \(cores) cores: every unit was contended, and thread hops wait for a core, "
                    + "so the minutes are higher than on an idle machine. Production runs its invocations one after another; "
                    + "use --workers \(cores) or fewer for an estimate of that.")
        }
        let left = scenario.jobAllocation.unsimulatedJobs
        if scenario.jobEntries != nil, left > 0 {
            notes.append(
                "\(scenario[\.invocations]) invocations for \(scenario.workloadJobs.count) jobs: \(left) jobs were not "
                    + "simulated, and the jobs with the most runs stand for them (the minutes assume they are alike); "
                    + "use --invocations \(scenario.workloadJobs.count) or more to simulate every job.")
        }
        if costProfile.units.isEmpty {
            notes.append(
                "Cost profile `native`: times are the Swift mechanism's own, not CPython's; the minutes are not a production estimate."
            )
        }
        return notes
    }

    func scenarioInfo(_ s: Scenario) -> ScenarioInfo {
        ScenarioInfo(
            name: s.name, file: s.file, workload: s.workload,
            knobs: ScenarioKeys.all.map {
                ScenarioInfo.Knob(
                    key: $0.name, value: s.values[$0.name] ?? $0.defaultValue, origin: s.origins[$0.name] ?? "default")
            })
    }
}

func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
