import Foundation
import Model

@testable import Analysis

/// Today's analyzer before streaming (kept verbatim but for its name): the reference the streaming
/// analysis must agree with (StreamingEquivalenceTests).
/// Turns a run's events into per-variant, per-phase statistics and the production estimate.
///
/// Estimate: each invocation's simulated seconds (sampled phases extrapolated to their production
/// unit counts) plus the scenario's assumed per-run seconds, times `production.runs`, plus the
/// gaps between runs. The regression against the baseline carries a bootstrap interval over
/// invocations.
struct LegacyRunAnalyzer {
    public struct Input {
        public var scenario: Scenario
        public var plan: [InvocationSpec]
        public var events: [WorkerEvent]
        public var command: String
        public var startedAt: Date
        public var wallSeconds: Double
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
        public init(
            scenario: Scenario, plan: [InvocationSpec], events: [WorkerEvent], command: String, startedAt: Date,
            wallSeconds: Double, complete: Bool,
            workerProcesses: Int, environment: EnvironmentInfo, costProfile: CostProfile, integrity: IntegrityInfo?,
            loadAverageAtStart: Double? = nil, coldReference: ScanCacheComparison? = nil,
            variantDistributions: [String: Int] = [:],
            httpServer: HTTPServerSummary? = nil, workerSpawn: String? = nil
        ) {
            self.scenario = scenario
            self.plan = plan
            self.events = events
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
        }
    }

    /// Phases in the order an invocation runs them; assumed ones are the scenario's.
    /// Regressions smaller than this (minutes over the production workload) get no phase shares.
    public static let minimumShareableMinutes = 0.05

    public init() {}

    /// Per invocation: its phase records and outcome, from the events.
    struct InvocationData {
        var index: Int
        var phases: [Phase: PhaseRecord] = [:]
        var outcome: InvocationOutcome?
        var lost = false
        var worker = 0
        var errorMessages: [String] = []
    }

    public func analyze(_ input: Input) -> RunSummary {
        let scenario = input.scenario
        var byIndex: [Int: InvocationData] = [:]
        var startOrder: [Int] = []
        for event in input.events {
            guard let i = event.invocation else { continue }
            var data = byIndex[i] ?? InvocationData(index: i)
            if let w = event.worker { data.worker = w }
            switch event.event {
            case .phase: if let p = event.phase { data.phases[p.phase] = p }
            case .invocationStarted: startOrder.append(i)
            case .invocationFinished: data.outcome = event.outcome
            case .invocationLost: data.lost = true
            case .errorPath: if let e = event.errorPath { data.errorMessages.append(e.message) }
            default: break
            }
            byIndex[i] = data
        }
        let specs = Dictionary(uniqueKeysWithValues: input.plan.map { ($0.index, $0) })

        let phaseNames = scenario.workload == .microbench ? Phase.microbench : Phase.simulated
        let assumedPerRun = scenario.workload == .microbench ? 0 : scenario.assumedSeconds.reduce(0) { $0 + $1.seconds }
        let runs = Double(scenario.productionRuns)
        let gapMinutes = Double(scenario.productionRuns - 1) * scenario.productionGapSeconds / 60

        // Seconds per finished invocation, per variant, for the bootstrap.
        var totals: [String: [Double]] = [:]
        var phaseSeconds: [String: [Phase: [Double]]] = [:]
        var categorySeconds: [String: [CostCategory: [Double]]] = [:]
        var variants: [VariantSummary] = []
        for variant in scenario.variants {
            let ordered = startOrder.filter { byIndex[$0]?.outcome != nil && specs[$0]?.variant == variant.name }
            let all = ordered.compactMap { byIndex[$0] }
            // Invocations an infrastructure fault failed are counted but in no time statistic.
            let datas = all.filter { $0.outcome?.failure == nil }
            totals[variant.name] = datas.map { d in d.phases.values.reduce(0) { $0 + $1.productionModelledNs } / 1e9 }
            let perInvocation = datas.map {
                CostCategory.seconds(of: Array($0.phases.values), stateBackend: scenario.stateBackend)
            }
            for category in CostCategory.allCases {
                categorySeconds[variant.name, default: [:]][category] = perInvocation.map { $0[category] ?? 0 }
            }
            var phases: [PhaseSummary] = []
            for name in phaseNames {
                let records = datas.compactMap { $0.phases[name] }
                // One histogram per worker, merged: what a coordinator merging workers' statistics does.
                // Sized from the largest value first: a histogram that resizes while recording is slow.
                let maximum = UInt64(records.map(\.productionModelledNs).max() ?? 0) + 1
                var perWorker: [Int: PhaseDistribution] = [:]
                for d in datas {
                    guard let r = d.phases[name] else { continue }
                    perWorker[d.worker, default: PhaseDistribution(maximum: maximum)].record(
                        nanoseconds: r.productionModelledNs)
                }
                let distribution = perWorker.values.reduce(into: PhaseDistribution(maximum: maximum)) { $0.merge($1) }
                // An invocation that skipped a phase (it failed earlier) spent zero seconds in it.
                let seconds = datas.map { ($0.phases[name]?.productionModelledNs ?? 0) / 1e9 }
                phaseSeconds[variant.name, default: [:]][name] = seconds
                let perRun = mean(seconds)
                phases.append(
                    PhaseSummary(
                        phase: name,
                        provenance: records.contains { $0.provenance == .sampled } ? .sampled : .measured,
                        invocations: records.count,
                        unitsDone: records.reduce(0) { $0 + $1.units },
                        productionUnits: records.reduce(0) { $0 + $1.productionUnits },
                        modelledMs: distribution.summary,
                        nativeMeanMs: mean(records.map { $0.productionNativeNs / 1e6 }),
                        scansMean: mean(records.map { Double($0.scans) }),
                        scanMeanMs: mean(records.map { Double($0.scanModelledNs) / 1e6 }),
                        secondsPerRun: perRun, productionMinutes: perRun * runs / 60, deltaMinutes: 0, share: nil))
            }
            if scenario.workload != .microbench {
                for assumed in scenario.assumedSeconds {
                    phases.append(
                        PhaseSummary(
                            phase: assumed.phase, provenance: .assumed, invocations: 0, unitsDone: 0,
                            productionUnits: 0, modelledMs: .constant(milliseconds: assumed.seconds * 1000),
                            nativeMeanMs: 0, scansMean: 0, scanMeanMs: 0, secondsPerRun: assumed.seconds,
                            productionMinutes: assumed.seconds * runs / 60, deltaMinutes: 0, share: nil))
                }
            }
            let outcomes = all.compactMap(\.outcome)
            let counts = ordered.compactMap { i -> InvocationCounts? in
                guard let d = byIndex[i], let o = d.outcome, o.failure == nil else { return nil }
                return InvocationCounts(
                    index: i, ordinal: specs[i]?.ordinal ?? -1, succeeded: o.succeeded, scans: o.discovery.scans,
                    lookups: o.discovery.lookups, backendsCalls: o.discovery.backendsCalls,
                    addonObjects: o.discovery.addonObjects, groupsTouched: o.discovery.groupsTouched,
                    errorPaths: o.errorPaths, persistentHits: o.discovery.persistentHits)
            }
            var storage = StorageCounters()
            for o in outcomes {
                storage.statements += o.storage.statements
                storage.transactions += o.storage.transactions
                storage.busyWaits += o.storage.busyWaits
                storage.busyWaitNs += o.storage.busyWaitNs
                storage.retries += o.storage.retries
                storage.lockWaits += o.storage.lockWaits
            }
            let http = phaseNames.compactMap { name -> HTTPPhaseSummary? in
                let perWorker = all.compactMap { d in d.outcome?.http?[name].map { (worker: d.worker, counters: $0) }
                }
                return perWorker.isEmpty ? nil : HTTPPhaseSummary.build(phase: name, perWorker: perWorker)
            }
            let simulated = mean(totals[variant.name] ?? [])
            let perRun = simulated + assumedPerRun
            let scanCounts = counts.map(\.scans)
            var summary =
                VariantSummary(
                    name: variant.name,
                    distributions: input.variantDistributions[variant.name] ?? input.environment.distributions,
                    profile: variant.release.name, strategy: variant.strategy,
                    catalogWrite: scenario.catalogWrite(of: variant),
                    planned: input.plan.filter { $0.variant == variant.name }.count,
                    succeeded: outcomes.filter(\.succeeded).count, failed: outcomes.filter { !$0.succeeded }.count,
                    lost: byIndex.values.filter { $0.lost && specs[$0.index]?.variant == variant.name }.count,
                    scans: ScanSummary(
                        total: scanCounts.reduce(0, +), perInvocation: SampleStatistics(scanCounts.map(Double.init)),
                        firstInvocation: scanCounts.first ?? 0, maxAfterFirst: scanCounts.dropFirst().max() ?? 0),
                    errorPaths: outcomes.reduce(0) { $0 + $1.errorPaths },
                    errorMessages: Array(Set(all.flatMap(\.errorMessages))).sorted(),
                    storage: storage, heartbeats: outcomes.reduce(0) { $0 + $1.heartbeats },
                    jobOverlaps: outcomes.filter(\.jobOverlap).count, phases: phases, http: http,
                    httpFailedInvocations: outcomes.filter { $0.failure != nil }.count,
                    simulatedSecondsPerRun: simulated, secondsPerRun: perRun,
                    productionMinutes: perRun * runs / 60 + gapMinutes,
                    regressionMinutes: nil, topPhase: nil, topPhaseMinutes: nil, mannWhitney: nil, categories: [],
                    simulatedSeconds: totals[variant.name] ?? [], invocations: counts,
                    simulatedSecondsMoments: SecondsMoments(totals[variant.name] ?? []))
            // Copied from the variant's profile, as the streaming analyzer does: no statistic.
            summary.profileProvenance = variant.release.provenance.description
            summary.profileFingerprint = variant.release.behaviourFingerprint
            variants.append(summary)
        }
        attribute(
            &variants, scenario: scenario, totals: totals, phaseSeconds: phaseSeconds,
            categorySeconds: categorySeconds)
        let failures = failures(input.events)
        let outcome = RunOutcome.assess(
            workersEnded: input.complete, failures: failures,
            infrastructureFailed: [.http: variants.reduce(0) { $0 + ($1.httpFailedInvocations ?? 0) }],
            integrity: input.integrity, planned: variants.reduce(0) { $0 + $1.planned },
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
            integrity: input.integrity, httpServer: input.httpServer, failures: failures,
            headline: Headline.sentence(variants: variants, scenario: scenario, outcome: outcome),
            notes: notes(scenario: scenario, costProfile: input.costProfile),
            warnings: StatisticalChecks.warnings(
                variants: variants, loadAverage: input.loadAverageAtStart,
                cores: ProcessInfo.processInfo.activeProcessorCount))
        summary.outcome = outcome
        return summary
    }

    /// Regression per variant with its interval, each phase's share of it, and the top phase.
    func attribute(
        _ variants: inout [VariantSummary], scenario: Scenario, totals: [String: [Double]],
        phaseSeconds: [String: [Phase: [Double]]],
        categorySeconds: [String: [CostCategory: [Double]]]
    ) {
        let base = scenario.baseline.name
        guard let baseIndex = variants.firstIndex(where: { $0.name == base }) else { return }
        let runs = Double(scenario.productionRuns)
        for v in variants.indices where v != baseIndex {
            let name = variants[v].name
            // No finished invocation on either side: there is nothing to compare, not a zero.
            guard !(totals[name] ?? []).isEmpty, !(totals[base] ?? []).isEmpty else { continue }
            let interval = Bootstrap.differenceOfMeans(
                totals[name] ?? [], totals[base] ?? [], scale: runs / 60,
                seed: scenario.seed ^ UInt64(v + 1))
            variants[v].regressionMinutes = interval
            // Shares of a regression indistinguishable from zero are noise over noise: leave them out.
            let shareable = abs(interval.estimate) >= Self.minimumShareableMinutes
            for p in variants[v].phases.indices where variants[v].phases[p].provenance != .assumed {
                let phase = variants[v].phases[p].phase
                let delta =
                    runs / 60 * (mean(phaseSeconds[name]?[phase] ?? []) - mean(phaseSeconds[base]?[phase] ?? []))
                variants[v].phases[p].deltaMinutes = delta
                variants[v].phases[p].share = shareable ? delta / interval.estimate : nil
            }
            variants[v].topPhase =
                shareable ? variants[v].phases.max { abs($0.deltaMinutes) < abs($1.deltaMinutes) }?.phase : nil
            if let top = variants[v].topPhase {
                variants[v].topPhaseMinutes = Bootstrap.differenceOfMeans(
                    phaseSeconds[name]?[top] ?? [], phaseSeconds[base]?[top] ?? [],
                    scale: runs / 60, seed: scenario.seed ^ UInt64(100 + v))
            }
            variants[v].mannWhitney = MannWhitney.test(totals[name] ?? [], totals[base] ?? [])
            variants[v].categories = CostCategory.allCases.map { category in
                let delta =
                    runs / 60
                    * (mean(categorySeconds[name]?[category] ?? []) - mean(categorySeconds[base]?[category] ?? []))
                return CategoryShare(
                    category: category, minutes: delta, share: shareable ? delta / interval.estimate : nil)
            }
        }
    }

    func failures(_ events: [WorkerEvent]) -> FailureCounts {
        var f = FailureCounts()
        for e in events {
            switch e.event {
            case .workerExited where (e.exitStatus ?? 0) != 0: f.workerExits += 1
            case .workerTimeout: f.workerTimeouts += 1
            case .malformedLine: f.malformedLines += 1
            case .invocationLost: f.lostInvocations += 1
            case .runInterrupted: f.interrupted = e.detail ?? "interrupted"
            case .invocationFinished:
                guard let outcome = e.outcome else { break }
                if outcome.failure != nil { f.httpFailedInvocations = (f.httpFailedInvocations ?? 0) + 1 }
                for counters in (outcome.http ?? [:]).values {
                    var gaveUp = f.httpCallsGaveUp ?? CauseCounts()
                    gaveUp.add(counters.failures)
                    f.httpCallsGaveUp = gaveUp
                }
            default: break
            }
        }
        return f
    }

    /// `--cache cold`: the reference measurement plus what the run's own drops did.
    func pageCache(_ input: Input) -> PageCacheInfo? {
        guard let reference = input.coldReference else { return nil }
        let run = input.events.compactMap { $0.outcome?.coldCache }.reduce(PageEviction()) { $0.adding($1) }
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

// The old analyzer's HTTP summary, kept here with it: the streaming analyzer folds HTTP counters itself.
extension HTTPPhaseSummary {
    /// Sums the counters of every invocation's phase, merging per-worker latency histograms.
    static func build(phase: Phase, perWorker: [(worker: Int, counters: HTTPCounters)]) -> HTTPPhaseSummary {
        var total = HTTPCounters()
        var histograms: [Int: PhaseDistribution] = [:]
        for (worker, counters) in perWorker {
            var latencies = counters
            latencies.latencyMicroseconds = []
            total.add(latencies)
            for micros in counters.latencyMicroseconds {
                histograms[worker, default: PhaseDistribution()].record(nanoseconds: Double(micros) * 1000)
            }
        }
        let merged = histograms.values.reduce(into: PhaseDistribution()) { $0.merge($1) }
        return HTTPPhaseSummary(
            phase: phase, calls: total.calls, requests: total.requests, retries: total.retries,
            failures: total.failures, latencyMs: merged.summary, bytesSent: total.bytesSent,
            bytesReceived: total.bytesReceived, backoffMs: Double(total.backoffMicroseconds) / 1000,
            connectionsOpened: total.connectionsOpened)
    }
}
