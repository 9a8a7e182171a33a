import Analysis
import Foundation
import Model
import Pipeline
import Scenario

/// Summaries made by the real analyzer from hand-made events, with numbers unlike the committed
/// example's: a regression explained by discovery scans, and runs where nothing is beyond noise.
enum SyntheticRuns {
    /// A phase with `seconds` of modelled time (sampled phases: `units` of `productionUnits` done).
    static func phase(
        _ name: Phase, seconds: Double, units: Int = 1, productionUnits: Int? = nil, provenance: Provenance = .measured,
        scans: Int = 0, scanSeconds: Double = 0
    ) -> PhaseRecord {
        PhaseRecord(
            phase: name, provenance: provenance, units: units, productionUnits: productionUnits ?? units,
            nativeNs: UInt64((seconds * 1e8).rounded()), modelledNs: UInt64((seconds * 1e9).rounded()),
            scans: scans, scanModelledNs: UInt64((scanSeconds * 1e9).rounded()))
    }

    /// The catalog write of 10 of 100 lines: `seconds` for the sample, ten times that extrapolated.
    static func catalog(_ seconds: Double) -> PhaseRecord {
        phase(.catalogWrite, seconds: seconds, units: 10, productionUnits: 100, provenance: .sampled)
    }

    /// An outcome as a worker writes it (decoded: the type has no public memberwise initializer).
    static func outcome(scans: Int) throws -> InvocationOutcome {
        let json = """
            {"succeeded": true, "heartbeats": 1, "job_overlap": false, "state_writes": 1, "error_paths": 0, "wall_ns": 1000,
             "discovery": {"lookups": 2, "backends_calls": 0, "addon_objects": 1, "groups_touched": 1, "scans": \(scans),
                           "persistent_hits": 0, "persistent_misses": 0, "validation_stats": 0, "persistent_corrupt": 0,
                           "persistent_writes_skipped": 0},
             "storage": {"statements": 5, "transactions": 2, "busy_waits": 0, "busy_wait_ns": 0, "retries": 0, "lock_waits": 0}}
            """
        return try WorkerEvent.decoder.decode(InvocationOutcome.self, from: Data(json.utf8))
    }

    /// One variant's invocations: per invocation its phases.
    typealias Variant = (name: String, invocations: [[PhaseRecord]])

    /// The workload of most summaries here: nine runs of one job of 100 catalog lines.
    static let singleJob = """
        catalog_lines: 100
        catalog_sample_lines: 10
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

    /// Runs the analyzer over the invocations, each started and finished in turn.
    static func summary(_ variants: [Variant], observed: String = "", workload: String? = nil) throws -> RunSummary {
        let yaml = """
            name: synthetic
            variants: [\(variants.map(\.name).joined(separator: ", "))]
            baseline: \(variants[0].name)
            invocations: \(variants[0].invocations.count)
            seed: 7
            \(workload ?? singleJob)
            \(observed)
            """
        let scenario = try ScenarioLoader.load(yaml: yaml, displayName: "synthetic.yaml")
        var plan: [InvocationSpec] = []
        var events = [WorkerEvent(.workerStarted)]
        var index = 0
        for variant in variants {
            for (ordinal, phases) in variant.invocations.enumerated() {
                plan.append(
                    InvocationSpec(
                        index: index, ordinal: ordinal, variant: variant.name, job: "job-\(ordinal)",
                        stateID: "state-\(ordinal)", errorAtInit: [false, false]))
                events.append(WorkerEvent(.invocationStarted, invocation: index, variant: variant.name))
                for p in phases {
                    var e = WorkerEvent(.phase, invocation: index, variant: variant.name)
                    e.phase = p
                    events.append(e)
                }
                var end = WorkerEvent(.invocationFinished, invocation: index, variant: variant.name)
                end.outcome = try outcome(scans: phases.reduce(0) { $0 + $1.scans })
                events.append(end)
                index += 1
            }
        }
        let environment = EnvironmentInfo(
            kind: "synthetic", pathEntries: 1, distributions: 20, entryPointFiles: 5,
            reused: false, description: "hand-made")
        return RunAnalyzer().analyze(
            .init(
                scenario: scenario, plan: plan, events: events, command: "simulate --scenario synthetic.yaml",
                startedAt: Date(timeIntervalSince1970: 0), wallSeconds: 1, complete: true,
                workerProcesses: 1, environment: environment, costProfile: .native, integrity: nil))
    }

    /// Baseline phases of one invocation: settings, state lookup, a catalog write of `catalogSeconds`, teardown.
    static func plain(
        catalogSeconds: Double = 0.05, settingsSeconds: Double = 0.1, scanSeconds: Double = 0, scans: Int = 0
    ) -> [PhaseRecord] {
        [
            phase(.settings, seconds: settingsSeconds, scans: scans, scanSeconds: scanSeconds),
            phase(.stateLookup, seconds: 0.2),
            catalog(catalogSeconds), phase(.teardown, seconds: 0.1),
        ]
    }

    /// meltano-3.7.9 is ~2 s per run slower, all of it discovery scans in `settings` (the catalog write is the
    /// baseline's); persistent is +0.55 s per run on average (≥ 0.05 min over 9 runs) but so spread that its
    /// interval includes 0.
    static func scansExplain() throws -> RunSummary {
        try summary(
            [
                (
                    "meltano-3.6.0",
                    [
                        plain(catalogSeconds: 0.049), plain(catalogSeconds: 0.051), plain(catalogSeconds: 0.05),
                        plain(catalogSeconds: 0.05),
                    ]
                ),
                (
                    "meltano-3.7.9",
                    [2.0, 2.02, 1.98, 2.0].map { plain(settingsSeconds: 0.1 + $0, scanSeconds: $0, scans: 1) }
                ),
                ("persistent", [0.01, 0.2, 0.01, 0.2].map { plain(catalogSeconds: $0) }),
            ],
            observed: """
                observed:
                  baseline_minutes: 13.3
                  regressed_minutes: 13.6
                  regressed_variant: meltano-3.7.9
                """)
    }

    /// Only persistent against the baseline, and it within noise.
    static func nothingBeyondNoise() throws -> RunSummary {
        try summary([
            ("meltano-3.6.0", [0.049, 0.051, 0.05, 0.05].map { plain(catalogSeconds: $0) }),
            ("persistent", [0.01, 0.2, 0.01, 0.2].map { plain(catalogSeconds: $0) }),
        ])
    }
}
