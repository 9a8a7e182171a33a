import Foundation

/// A validated scenario: every knob typed and in range, variants resolved.
///
/// Built only by `ScenarioLoader`, so a `Scenario` in hand is always usable.
public struct Scenario: Sendable {
    /// The file it came from, as given (relative paths stay relative for the report).
    public let file: String
    /// Every key's final value, defaults included.
    public let values: [String: ScenarioValue]
    /// Where each value came from: `file:line`, `command line (--flag)` or `default`.
    public let origins: [String: String]

    public let name: String
    public let description: String
    public let workload: Workload
    public let variants: [Variant]
    public let baseline: Variant
    public let invocations: Int
    public let workers: Int
    public let invocationsPerProcess: Int
    public let seed: UInt64
    public let packages: Int
    public let sitePackages: [String]
    /// An interpreter whose `sys.path` is scanned instead of a synthetic environment (empty: none).
    public let python: String
    /// What the synthetic environment lists besides its metadata folders (`synthetic.*`).
    public let environmentShape: EnvironmentShape
    public let errorRate: Double
    public let onError: OnError
    public let stateBackend: StateBackendKind
    public let jobs: Int
    public let catalogLines: Int
    public let catalogSampleLines: Int
    /// Every variant's catalog write mode when set; nil keeps each profile's own.
    public let catalogWriteOverride: CatalogWriteMode?
    public let stateMessages: Int
    public let stateSampleMessages: Int
    public let costProfile: CostProfileKind
    public let costFile: String
    /// Whether each scan starts with the environment's pages dropped.
    public let cacheMode: CacheMode
    /// How the coordinator starts worker processes.
    public let workerSpawn: WorkerSpawnMode
    public let workerTimeoutSeconds: Double
    /// Each worker's address-space limit (`RLIMIT_AS`), in MiB.
    public let workerMemoryLimitMB: Int
    public let heartbeatIntervalSeconds: Double
    public let lockTimeoutSeconds: Double
    public let lockRetrySeconds: Double
    /// How long a system-database statement waits for another connection's lock before its invocation fails.
    public let busyTimeoutSeconds: Double
    /// The `http.*` knobs: extraction over HTTP, the client, and fault injection.
    public let http: HTTPKnobs
    public let productionRuns: Int
    public let productionGapSeconds: Double
    /// Per-run durations taken as given, the same for every variant, in run order.
    public let assumedSeconds: [(phase: Phase, seconds: Double)]
    public let observedBaselineMinutes: Double?
    public let observedRegressedMinutes: Double?
    public let observedRegressedVariant: String?
    /// Production logs of the baseline and of the regressed version, as the scenario gives them.
    public let observedBaselineLogs: [String]
    public let observedRegressedLogs: [String]
    public let microbenchBackendsCalls: Int
    public let microbenchCreations: Int
    /// Variants that scan their own synthetic environment of this many distributions (microbench).
    public let variantPackages: [String: Int]

    /// Reads every key once into its typed field; only the loader calls it, after validating each value.
    public init(
        file: String, values: [String: ScenarioValue], origins: [String: String], variants: [Variant], baseline: Variant
    ) {
        self.file = file
        self.values = values
        self.origins = origins
        func int(_ k: String) -> Int { values[k]?.intValue ?? 0 }
        func dbl(_ k: String) -> Double { values[k]?.doubleValue ?? 0 }
        func str(_ k: String) -> String { values[k]?.stringValue ?? "" }
        // The loader has checked every choice against its cases: the fallbacks are never taken.
        func choice<C: ScenarioChoice>(_ k: String, _ fallback: C) -> C { C(rawValue: str(k)) ?? fallback }
        name = str("name")
        description = str("description")
        workload = choice("workload", Workload.pipeline)
        self.variants = variants
        self.baseline = baseline
        invocations = int("invocations")
        workers = int("workers")
        invocationsPerProcess = int("invocations_per_process")
        seed = UInt64(int("seed"))
        packages = int("packages")
        sitePackages = values["site_packages"]?.listValue ?? []
        python = str("python")
        environmentShape = EnvironmentShape(values: values)
        errorRate = dbl("error_rate")
        onError = choice("on_error", OnError.retry)
        stateBackend = choice("state_backend", StateBackendKind.systemdb)
        jobs = int("jobs")
        catalogLines = int("catalog_lines")
        catalogSampleLines = int("catalog_sample_lines")
        catalogWriteOverride = choice("catalog_write", CatalogWriteSetting.profile).override
        stateMessages = int("state_messages")
        stateSampleMessages = int("state_sample_messages")
        costProfile = choice("cost_profile", CostProfileKind.cpython)
        costFile = str("cost_file")
        cacheMode = choice("cache", CacheMode.warm)
        workerSpawn = choice("worker_spawn", WorkerSpawnMode.zygote)
        workerTimeoutSeconds = dbl("worker_timeout_seconds")
        workerMemoryLimitMB = int("worker_memory_limit_mb")
        heartbeatIntervalSeconds = dbl("heartbeat_interval_seconds")
        lockTimeoutSeconds = dbl("lock_timeout_seconds")
        lockRetrySeconds = dbl("lock_retry_seconds")
        busyTimeoutSeconds = dbl("busy_timeout_seconds")
        http = HTTPKnobs(values: values)
        productionRuns = int("production.runs")
        productionGapSeconds = dbl("production.gap_seconds")
        // `tap-processing` is the tap's own work while extracting; the measured `extract` phase adds the HTTP time.
        assumedSeconds = Phase.assumed.map { ($0, dbl($0.assumedKey ?? "")) }
        let ob = dbl("observed.baseline_minutes")
        let orr = dbl("observed.regressed_minutes")
        observedBaselineMinutes = ob > 0 ? ob : nil
        observedRegressedMinutes = orr > 0 ? orr : nil
        let ov = str("observed.regressed_variant")
        observedRegressedVariant = ov.isEmpty ? nil : ov
        observedBaselineLogs = values["observed.baseline_logs"]?.listValue ?? []
        observedRegressedLogs = values["observed.regressed_logs"]?.listValue ?? []
        microbenchBackendsCalls = int("microbench.backends_calls")
        microbenchCreations = int("microbench.creations")
        variantPackages = Self.variantPackages(values["microbench.packages_by_variant"]?.listValue ?? []) ?? [:]
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

    /// After the error path, the invocation retries with the right scheme.
    public var retryOnError: Bool { onError == .retry }

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
