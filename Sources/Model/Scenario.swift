import Foundation

/// A validated scenario: every knob typed and in range, variants resolved.
///
/// Built only by `ScenarioLoader`, so a `Scenario` in hand is always usable. A key's value is read
/// through its typed declaration in `ScenarioKeys.Table`: `scenario[\.catalogLines]` is an `Int`,
/// `scenario[\.stateBackend]` a `StateBackendKind`, and `scenario.catalogLines` the same through
/// dynamic member lookup. The stored fields are the values derived from several keys.
@dynamicMemberLookup
public struct Scenario: Sendable {
    /// The file it came from, as given (relative paths stay relative for the report).
    public let file: String
    /// Every key's final value, defaults included.
    public let values: [String: ScenarioValue]
    /// Where each value came from: `file:line`, `command line (--flag)` or `default`.
    public let origins: [String: String]

    public let variants: [Variant]
    public let baseline: Variant
    /// What the synthetic environment lists besides its metadata folders (`synthetic.*`).
    public let environmentShape: EnvironmentShape
    /// The `http.*` knobs: extraction over HTTP, the client, and fault injection.
    public let http: HTTPKnobs
    /// Per-run durations taken as given, the same for every variant, in run order: each job's own,
    /// averaged over the jobs weighted by their runs.
    public let assumedSeconds: [(phase: Phase, seconds: Double)]
    /// The `jobs:` list as the file gave it; nil when `jobs` is a number of alike jobs.
    public let jobEntries: [JobEntry]?
    /// The workload's jobs, each with its runs, sizes and assumed seconds (docs/workload.md).
    public let workloadJobs: [WorkloadJob]
    /// Which job each invocation ordinal runs, and its weight.
    public let jobAllocation: JobAllocation
    /// Variants that scan their own synthetic environment of this many distributions (microbench).
    public let variantPackages: [String: Int]

    /// Derives the fields read from several keys; only the loader calls it, after validating each value.
    ///
    /// `jobEntries` is the file's `jobs:` list; `values` then holds `jobs` and `production.runs`
    /// as the list gives them (the loader checks). Invocations must be at least the jobs.
    public init(
        file: String, values: [String: ScenarioValue], origins: [String: String], variants: [Variant],
        baseline: Variant,
        jobEntries: [JobEntry]? = nil
    ) {
        self.file = file
        let (values, origins) = Self.fleetValues(values, origins, listsJobs: jobEntries != nil)
        self.values = values
        self.origins = origins
        self.variants = variants
        self.baseline = baseline
        environmentShape = EnvironmentShape(values: values)
        http = HTTPKnobs(values: values)
        self.jobEntries = jobEntries
        let jobs = Self.jobs(entries: jobEntries, values: values, origins: origins)
        workloadJobs = jobs
        let invocations = ScenarioKeys.table.invocations.value(in: values)
        // Alike jobs past the invocations never run, as ever; a listed job left out is stood for.
        jobAllocation =
            JobAllocation(
                runs: jobs.map(\.runs), invocations: jobEntries == nil ? max(invocations, jobs.count) : invocations)!
        let totalRuns = Double(jobs.reduce(0) { $0 + $1.runs })
        // Alike jobs share the top-level values: taken as they are, not averaged back (no rounding).
        assumedSeconds = Phase.assumed.enumerated().map { a, phase in
            guard jobEntries != nil else { return (phase, Self.assumedKeys[a].value(in: values)) }
            return (phase, jobs.reduce(0) { $0 + Double($1.runs) * $1.assumedSeconds[a] } / totalRuns)
        }
        variantPackages =
            Self.variantPackages(ScenarioKeys.table.microbenchPackagesByVariant.value(in: values)) ?? [:]
    }

    /// The value of one key, typed by its declaration.
    public subscript<Value>(key: ScenarioKeyPath<Value>) -> Value {
        ScenarioKeys.table[keyPath: key].value(in: values)
    }

    /// `scenario.catalogLines` for `scenario[\.catalogLines]`.
    public subscript<Value>(dynamicMember key: ScenarioKeyPath<Value>) -> Value { self[key] }

    /// Where one key's value came from: `file:line`, `command line (--flag)` or `default`.
    public func origin<Value>(of key: ScenarioKeyPath<Value>) -> String {
        origins[ScenarioKeys.table[keyPath: key].name] ?? "default"
    }

    /// Parses `VARIANT=N` entries; nil when one is malformed (the loader reports which).
    public static func variantPackages(_ entries: [String]) -> [String: Int]? {
        var out: [String: Int] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let n = NumberGrammar.integer(parts[1]),
                (1...ScenarioKeys.maxPackages).contains(n)
            else { return nil }
            out[parts[0]] = n
        }
        return out
    }

    /// "the 9-run production workload", with its period when the scenario gives one ("… of 7 days"):
    /// the headline's words, read as Markdown in the report, so the period is escaped as prose.
    public var workloadPhrase: String {
        let period = self[\.productionPeriod]
        return "the \(self[\.productionRuns])-run production workload"
            + (period.isEmpty ? "" : " of \(Markdown.escape(period, .prose))")
    }

    /// The seed of the plan order, error decisions and environment.
    public var seed: UInt64 { UInt64(self[\.seed]) }

    /// Every variant's catalog write mode when set; nil keeps each profile's own.
    public var catalogWriteOverride: CatalogWriteMode? { self[\.catalogWrite].override }

    /// Production minutes of the baseline and of the regressed version, if known (0 in the file: nil).
    public var observedBaselineMinutes: Double? { Self.positive(self[\.observedBaselineMinutes]) }
    public var observedRegressedMinutes: Double? { Self.positive(self[\.observedRegressedMinutes]) }
    /// The variant the observed regression belongs to, if named.
    public var observedRegressedVariant: String? {
        let name = self[\.observedRegressedVariant]
        return name.isEmpty ? nil : name
    }

    private static func positive(_ x: Double) -> Double? { x > 0 ? x : nil }

    /// After the error path, the invocation retries with the right scheme.
    public var retryOnError: Bool { self[\.onError] == .retry }

    /// The variant a sweep charts and a fit solves for: the one the regression was observed on
    /// if the scenario runs it, else the first that is not the baseline.
    public var focalVariant: String {
        let others = variants.map(\.name).filter { $0 != baseline.name }
        return observedRegressedVariant.flatMap { others.contains($0) ? $0 : nil } ?? others.first ?? baseline.name
    }

    /// The catalog write mode a variant runs with in this scenario.
    public func catalogWrite(of variant: Variant) -> CatalogWriteMode {
        catalogWriteOverride ?? variant.release.catalogWrite
    }

    /// The knobs a user changed from the scenario file's values, as `--set` flags, for the reproduce line.
    public var commandLineOverrides: [String] {
        ScenarioKeys.all.flatMap { key -> [String] in
            guard let origin = origins[key.name], origin.hasPrefix("command line"), let v = values[key.name] else {
                return []
            }
            return ["--set", "\(key.name)=\(v)"]
        }
    }
}
