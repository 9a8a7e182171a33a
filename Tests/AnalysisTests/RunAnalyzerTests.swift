import Analysis
import Foundation
import Model
import Pipeline
import Scenario
import Testing

// MARK: - Building events by hand

/// A phase with `seconds` of modelled time for `units` done (the production count defaults to the same).
func phase(
    _ name: Phase, seconds: Double, units: Int = 1, productionUnits: Int? = nil, provenance: Provenance = .measured,
    scans: Int = 0, scanSeconds: Double = 0
) -> PhaseRecord {
    PhaseRecord(
        phase: name, provenance: provenance, units: units, productionUnits: productionUnits ?? units,
        nativeNs: UInt64((seconds * 1e8).rounded()), modelledNs: UInt64((seconds * 1e9).rounded()),
        scans: scans, scanModelledNs: UInt64((scanSeconds * 1e9).rounded()))
}

/// An outcome as a worker writes it (the type has no public memberwise initializer, so it is decoded).
func outcome(succeeded: Bool, scans: Int, errorPaths: Int = 0, heartbeats: Int = 1, statements: Int = 5) throws
    -> InvocationOutcome
{
    let json = """
        {"succeeded": \(succeeded), "heartbeats": \(heartbeats), "job_overlap": false, "state_writes": 1,
         "error_paths": \(errorPaths), "wall_ns": 1000,
         "discovery": {"lookups": 2, "backends_calls": \(errorPaths), "addon_objects": 1, "groups_touched": 1, "scans": \(scans),
                       "persistent_hits": 0, "persistent_misses": 0, "validation_stats": 0, "persistent_corrupt": 0,
                       "persistent_writes_skipped": 0},
         "storage": {"statements": \(statements), "transactions": 2, "busy_waits": 0, "busy_wait_ns": 0, "retries": 0, "lock_waits": 0}}
        """
    return try WorkerEvent.decoder.decode(InvocationOutcome.self, from: Data(json.utf8))
}

func errorPath(scheme: String, message: String) throws -> ErrorPathRecord {
    let json = #"{"initialization": 1, "scheme": "\#(scheme)", "message": "\#(message)", "backends_calls": 2}"#
    return try WorkerEvent.decoder.decode(ErrorPathRecord.self, from: Data(json.utf8))
}

/// One hand-made invocation: its phases, then how it ended.
struct HandInvocation {
    var index: Int
    var variant: String
    var phases: [PhaseRecord] = []
    var errorMessage: String? = nil
    /// nil: lost (the worker died before it finished).
    var outcome: InvocationOutcome?

    /// Events up to (not including) the end, then the end event.
    func events() throws -> (body: [WorkerEvent], end: WorkerEvent) {
        var body = [WorkerEvent(.invocationStarted, invocation: index, variant: variant)]
        for p in phases {
            var e = WorkerEvent(.phase, invocation: index, variant: variant)
            e.phase = p
            body.append(e)
        }
        if let errorMessage {
            var e = WorkerEvent(.errorPath, invocation: index, variant: variant)
            e.errorPath = try errorPath(scheme: "bogus", message: errorMessage)
            body.append(e)
        }
        if let outcome {
            var end = WorkerEvent(.invocationFinished, invocation: index, variant: variant)
            end.outcome = outcome
            return (body, end)
        }
        return (body, WorkerEvent(.invocationLost, invocation: index, variant: variant))
    }
}

/// Events of all invocations: each invocation's start and phases in `startOrder`, then the end
/// events in `finishOrder` (both lists of invocation indices).
func events(_ invocations: [HandInvocation], startOrder: [Int], finishOrder: [Int]) throws -> [WorkerEvent] {
    var bodies: [Int: [WorkerEvent]] = [:]
    var ends: [Int: WorkerEvent] = [:]
    for inv in invocations {
        let (body, end) = try inv.events()
        bodies[inv.index] = body
        ends[inv.index] = end
    }
    // Coordinator records with no invocation are ignored by the analyzer.
    var all = [WorkerEvent(.workerStarted)]
    for i in startOrder { all += bodies[i]! }
    for i in finishOrder { all.append(ends[i]!) }
    return all
}

func spec(_ index: Int, _ ordinal: Int, _ variant: String) -> InvocationSpec {
    InvocationSpec(
        index: index, ordinal: ordinal, variant: variant, job: "job-\(ordinal)", stateID: "state-\(ordinal)",
        errorAtInit: [false, false])
}

func analyze(_ scenario: Scenario, plan: [InvocationSpec], events: [WorkerEvent], complete: Bool = true) -> RunSummary {
    let environment = EnvironmentInfo(
        kind: "synthetic", pathEntries: 1, distributions: 20, entryPointFiles: 5,
        reused: false, description: "hand-made")
    let input = RunAnalyzer.Input(
        scenario: scenario, plan: plan, events: events, command: "simulate --scenario test",
        startedAt: Date(timeIntervalSince1970: 0), wallSeconds: 1, complete: complete,
        workerProcesses: 1, environment: environment, costProfile: .native, integrity: nil)
    return RunAnalyzer().analyze(input)
}

// MARK: - The hand-computed case

/// Two variants. Seconds per invocation (catalog-write is sampled: 10 of 100 lines, so ×10):
///
///   baseline meltano-3.6.0   #0: settings 0.1, state-lookup 0.2, catalog-write 0.05→0.5, teardown 0.1 = 0.9
///                            #1: settings 0.1, state-lookup 0.4, catalog-write 0.07→0.7, teardown 0.1 = 1.3
///   meltano-3.7.9            #2: settings 1.1 (scan 1.0), state-lookup 0.3, catalog-write 0.2→2.0, teardown 0.1 = 3.5
///                            #3 (failed): settings 1.1 (scan 1.0), state-lookup 0.5 (scan 0.4) = 1.6
///                            #4 lost
///
/// Means: baseline 1.1 s, meltano-3.7.9 2.55 s. Assumed 4 + 7 + 53 + 21 = 85 s per run; 9 runs, 2.5 s gaps.
enum HandCase {
    static let yaml = """
        name: analyzer-test
        variants: [meltano-3.6.0, meltano-3.7.9]
        baseline: meltano-3.6.0
        invocations: 2
        seed: 42
        production:
          runs: 9
          gap_seconds: 2.5
        assumed:
          start_seconds: 4
          pre_plugin_seconds: 7
          extraction_seconds: 53
          target_tail_seconds: 21
          load_finalize_seconds: 0
          state_write_seconds: 0
        """
    static let message = "No state backend found for scheme 'bogus'. Available backends: systemdb, azure, file, gs, s3"

    static func scenario() throws -> Scenario { try ScenarioLoader.load(yaml: yaml, displayName: "analyzer-test.yaml") }

    static let plan = [
        spec(0, 0, "meltano-3.6.0"), spec(1, 1, "meltano-3.6.0"),
        spec(2, 0, "meltano-3.7.9"), spec(3, 1, "meltano-3.7.9"), spec(4, 2, "meltano-3.7.9"),
    ]

    static func catalog(_ seconds: Double) -> PhaseRecord {
        phase(.catalogWrite, seconds: seconds, units: 10, productionUnits: 100, provenance: .sampled)
    }

    static func invocations() throws -> [HandInvocation] {
        [
            HandInvocation(
                index: 0, variant: "meltano-3.6.0",
                phases: [
                    phase(.settings, seconds: 0.1), phase(.stateLookup, seconds: 0.2), catalog(0.05),
                    phase(.teardown, seconds: 0.1),
                ],
                outcome: try outcome(succeeded: true, scans: 0)),
            HandInvocation(
                index: 1, variant: "meltano-3.6.0",
                phases: [
                    phase(.settings, seconds: 0.1), phase(.stateLookup, seconds: 0.4), catalog(0.07),
                    phase(.teardown, seconds: 0.1),
                ],
                outcome: try outcome(succeeded: true, scans: 0)),
            HandInvocation(
                index: 2, variant: "meltano-3.7.9",
                phases: [
                    phase(.settings, seconds: 1.1, scans: 1, scanSeconds: 1.0), phase(.stateLookup, seconds: 0.3),
                    catalog(0.2), phase(.teardown, seconds: 0.1),
                ],
                outcome: try outcome(succeeded: true, scans: 3)),
            HandInvocation(
                index: 3, variant: "meltano-3.7.9",
                phases: [
                    phase(.settings, seconds: 1.1, scans: 1, scanSeconds: 1.0),
                    phase(.stateLookup, seconds: 0.5, scans: 2, scanSeconds: 0.4),
                ],
                errorMessage: message,
                outcome: try outcome(succeeded: false, scans: 1, errorPaths: 1)),
            HandInvocation(index: 4, variant: "meltano-3.7.9", phases: [phase(.settings, seconds: 9)], outcome: nil),
        ]
    }

    /// #3 starts before #2 (so it is meltano-3.7.9's first invocation) but finishes after it.
    static let startOrder = [0, 3, 1, 2, 4]
    static let finishOrder = [0, 1, 2, 4, 3]

    static func summary(complete: Bool = true) throws -> RunSummary {
        analyze(
            try scenario(), plan: plan,
            events: try events(invocations(), startOrder: startOrder, finishOrder: finishOrder), complete: complete)
    }
}

@Suite struct RunAnalyzerTests {
    let tolerance = 1e-9

    func variant(_ summary: RunSummary, _ name: String) throws -> VariantSummary {
        try #require(summary.variants.first { $0.name == name })
    }

    @Test func productionMinutesFollowTheFormula() throws {
        let summary = try HandCase.summary()
        #expect(summary.variants.map(\.name) == ["meltano-3.6.0", "meltano-3.7.9"])
        #expect(summary.baseline == "meltano-3.6.0")
        let base = try variant(summary, "meltano-3.6.0")
        let v = try variant(summary, "meltano-3.7.9")
        let gaps = 8 * 2.5 / 60
        #expect(close(base.simulatedSecondsPerRun, 1.1, tolerance))
        #expect(close(v.simulatedSecondsPerRun, 2.55, tolerance))
        #expect(close(base.secondsPerRun, 86.1, tolerance))
        #expect(close(v.secondsPerRun, 87.55, tolerance))
        #expect(close(base.productionMinutes, 86.1 * 9 / 60 + gaps, tolerance))  // 13.248333…
        #expect(close(v.productionMinutes, 87.55 * 9 / 60 + gaps, tolerance))  // 13.465833…
    }

    @Test func regressionAndItsAttribution() throws {
        let summary = try HandCase.summary()
        let base = try variant(summary, "meltano-3.6.0")
        let v = try variant(summary, "meltano-3.7.9")
        #expect(base.regressionMinutes == nil)
        #expect(base.topPhase == nil)
        let r = try #require(v.regressionMinutes)
        #expect(close(r.estimate, 9.0 / 60 * (2.55 - 1.1), tolerance))  // 0.2175
        #expect(r.low <= r.estimate && r.estimate <= r.high)
        #expect(r.level == 0.95)
        #expect(close(r.estimate, v.productionMinutes - base.productionMinutes, tolerance))

        let simulated = v.phases.filter { $0.provenance != .assumed }
        let expectedDelta: [Phase: Double] = [
            .settings: 0.15, .bookkeeping: 0, .stateLookup: 0.015, .catalogWrite: 0.06, .pages: 0,
            .targetStateInit: 0, .stateWrites: 0, .teardown: -0.0075,
        ]
        #expect(
            simulated.map(\.phase) == [
                .settings, .bookkeeping, .stateLookup, .catalogWrite, .pages,
                .targetStateInit, .stateWrites, .teardown,
            ])
        for p in simulated {
            #expect(
                close(p.deltaMinutes, try #require(expectedDelta[p.phase]), tolerance), "\(p.phase): \(p.deltaMinutes)")
        }
        #expect(abs(simulated.reduce(0) { $0 + $1.deltaMinutes } - r.estimate) <= tolerance)
        let shares = simulated.compactMap(\.share)
        #expect(shares.count == simulated.count)
        #expect(abs(shares.reduce(0, +) - 1) <= tolerance)
        #expect(close(try #require(v.phases.first { $0.phase == .settings }?.share), 0.15 / 0.2175, tolerance))
        #expect(v.topPhase == .settings)
        // Discovery scans: (1.0 + 1.4) / 2 s per run against none.
        #expect(close(try #require(v.scanRegressionMinutes), 9.0 / 60 * 1.2, tolerance))

        let assumed = v.phases.filter { $0.provenance == .assumed }
        #expect(assumed.map(\.phase) == Phase.assumed)
        #expect(assumed.allSatisfy { $0.deltaMinutes == 0 && $0.share == nil })
        #expect(assumed.map(\.secondsPerRun) == [4, 7, 53, 21, 0, 0])
        #expect(
            close(
                try #require(assumed.first { $0.phase == .tapProcessing }).productionMinutes, 53 * 9 / 60.0, tolerance))
    }

    @Test func sampledPhaseIsExtrapolated() throws {
        let summary = try HandCase.summary()
        let base = try variant(summary, "meltano-3.6.0")
        let catalog = try #require(base.phases.first { $0.phase == .catalogWrite })
        #expect(catalog.provenance == .sampled)
        #expect(catalog.invocations == 2)
        #expect(catalog.unitsDone == 20)
        #expect(catalog.productionUnits == 200)
        // 500 and 700 ms after ×10; phase statistics come from HDR histograms (3 significant digits),
        // whose median is the lower middle value.
        #expect(close(catalog.modelledMs.median, 500, 0.5))
        #expect(close(catalog.modelledMs.max, 700, 0.7))
        #expect(close(catalog.modelledMs.mean, 600, 0.6))
        #expect(close(catalog.secondsPerRun, 0.6, tolerance))
        #expect(close(catalog.productionMinutes, 0.6 * 9 / 60, tolerance))
        #expect(close(catalog.nativeMeanMs, 60, 1e-6))  // native (a tenth of modelled) extrapolated too
        let settings = try #require(base.phases.first { $0.phase == .settings })
        #expect(settings.provenance == .measured)
        // A phase no invocation ran.
        let stateWrite = try #require(base.phases.first { $0.phase == .stateWrites })
        #expect(stateWrite.invocations == 0 && stateWrite.secondsPerRun == 0)
        // PhaseRecord itself: 10 units of 100 scale by 10; equal counts do not scale.
        #expect(HandCase.catalog(0.05).productionModelledNs == 500_000_000)
        #expect(phase(.teardown, seconds: 0.5, units: 3).productionModelledNs == 500_000_000)
        #expect(phase(.teardown, seconds: 0.5, units: 0, productionUnits: 10).productionModelledNs == 500_000_000)
    }

    @Test func countsScansAndOutcomes() throws {
        let summary = try HandCase.summary()
        let base = try variant(summary, "meltano-3.6.0")
        let v = try variant(summary, "meltano-3.7.9")
        #expect(base.planned == 2 && base.succeeded == 2 && base.failed == 0 && base.lost == 0)
        #expect(v.planned == 3 && v.succeeded == 1 && v.failed == 1 && v.lost == 1)
        #expect(base.scans.total == 0 && base.scans.firstInvocation == 0)
        // Start order #3 (1 scan) then #2 (3 scans); they finished the other way round.
        #expect(v.invocations.map(\.index) == [3, 2])
        #expect(v.invocations.map(\.ordinal) == [1, 0])
        #expect(v.invocations.map(\.succeeded) == [false, true])
        #expect(v.scans.total == 4)
        #expect(v.scans.firstInvocation == 1)
        #expect(v.scans.maxAfterFirst == 3)
        #expect(close(v.scans.perInvocation.mean, 2, tolerance))
        #expect(v.errorPaths == 1)
        #expect(v.errorMessages == [HandCase.message])
        #expect(base.errorMessages.isEmpty)
        #expect(v.storage.statements == 10 && v.storage.transactions == 4)
        #expect(v.heartbeats == 2)
        #expect(v.profile == "meltano-3.7.9" && v.strategy == .perProcess && v.catalogWrite == .threadHop)
        #expect(base.strategy == .staticEnum && base.catalogWrite == .sync)
        // The lost invocation's phase is not counted anywhere.
        let settings = try #require(v.phases.first { $0.phase == .settings })
        #expect(settings.invocations == 2)
        #expect(close(settings.modelledMs.max, 1100, 1.1))  // 3 significant digits
    }

    @Test func summaryCarriesTheRunAndScenario() throws {
        let summary = try HandCase.summary(complete: false)
        #expect(!summary.complete)
        #expect(summary.command == "simulate --scenario test")
        #expect(summary.costProfile.name == "native")
        #expect(summary.scenario.name == "analyzer-test")
        #expect(summary.scenario.file == "analyzer-test.yaml")
        let runs = try #require(summary.scenario.knobs.first { $0.key == "production.runs" })
        #expect(runs.value == .int(9) && runs.origin == "analyzer-test.yaml:7")
        let workers = try #require(summary.scenario.knobs.first { $0.key == "workers" })
        #expect(workers.origin == "default")
        #expect(summary.scenario.knobs.count == ScenarioKeys.all.count)
        #expect(summary.headline.hasPrefix("INCOMPLETE"))
    }

    /// Invocations are taken in the order they started: the order they finish in changes nothing.
    @Test func resultDoesNotDependOnFinishOrder() throws {
        let scenario = try HandCase.scenario()
        let a = analyze(
            scenario, plan: HandCase.plan,
            events: try events(
                HandCase.invocations(), startOrder: HandCase.startOrder, finishOrder: HandCase.finishOrder))
        let b = analyze(
            scenario, plan: HandCase.plan,
            events: try events(HandCase.invocations(), startOrder: HandCase.startOrder, finishOrder: [4, 3, 2, 1, 0]))
        #expect(a.variants.map(\.productionMinutes) == b.variants.map(\.productionMinutes))
        #expect(a.variants.map(\.regressionMinutes) == b.variants.map(\.regressionMinutes))
        #expect(a.variants.map(\.invocations) == b.variants.map(\.invocations))
    }

    /// A variant none of whose invocations finished has no measurement, so no regression can be
    /// estimated; the headline has an `n/a` form for exactly that.
    @Test func variantWithNoFinishedInvocationHasNoRegression() throws {
        let yaml = HandCase.yaml.replacingOccurrences(
            of: "variants: [meltano-3.6.0, meltano-3.7.9]",
            with: "variants: [meltano-3.6.0, meltano-3.7.9, persistent]")
        let scenario = try ScenarioLoader.load(yaml: yaml, displayName: "three.yaml")
        let invocations = try HandCase.invocations() + [HandInvocation(index: 5, variant: "persistent", outcome: nil)]
        let plan = HandCase.plan + [spec(5, 0, "persistent")]
        let summary = analyze(
            scenario, plan: plan,
            events: try events(
                invocations, startOrder: HandCase.startOrder + [5], finishOrder: HandCase.finishOrder + [5]),
            complete: false)
        let persistent = try variant(summary, "persistent")
        #expect(persistent.lost == 1 && persistent.succeeded == 0 && persistent.failed == 0)
        #expect(persistent.regressionMinutes == nil)
        #expect(summary.headline.contains("persistent n/a"), "\(summary.headline)")
    }
}
