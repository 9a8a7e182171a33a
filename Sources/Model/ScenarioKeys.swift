import Foundation

/// The type and range a scenario key accepts.
public enum ScenarioKeyKind: Sendable {
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case string
    case choice([String])
    case list
}

/// One key of the scenario format: its name, type, default and what it means.
///
/// The table in `ScenarioKeys.all` is the single source of truth for the YAML format, the
/// `--set key=value` flag, the help text and the report's knob table.
public struct ScenarioKey: Sendable {
    public let name: String
    public let kind: ScenarioKeyKind
    public let defaultValue: ScenarioValue
    public let help: String
    /// Why a count's upper bound is where it is (`simulate keys` and errors say it); nil for other keys.
    public let bound: String?

    public init(
        _ name: String, _ kind: ScenarioKeyKind, _ defaultValue: ScenarioValue, _ help: String, bound: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.bound = bound
    }

    /// Converts a command-line string into this key's type, or explains why it cannot.
    public func parse(commandLine text: String) -> Result<ScenarioValue, KeyProblem> {
        switch kind {
        case .int:
            guard let v = NumberGrammar.integer(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(KeyProblem("expected an integer, got '\(text)'"))
            }
            return check(.int(v))
        case .double:
            guard let v = NumberGrammar.number(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(KeyProblem("expected a number, got '\(text)'"))
            }
            return check(.double(v))
        case .string, .choice:
            return check(.string(text))
        case .list:
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return check(.list(items.filter { !$0.isEmpty }))
        }
    }

    /// Checks a typed value against the key's range or choices.
    public func check(_ value: ScenarioValue) -> Result<ScenarioValue, KeyProblem> {
        switch (kind, value) {
        case (.int(let range), .int(let v)):
            if v > range.upperBound, let bound {
                return .failure(KeyProblem("value \(v) is above the limit \(range.upperBound) (\(bound))"))
            }
            guard range.contains(v) else {
                return .failure(KeyProblem("value \(v) is outside [\(range.lowerBound), \(range.upperBound)]"))
            }
            return .success(value)
        case (.double(let range), _):
            guard let v = value.doubleValue else { return .failure(KeyProblem("expected a number, got '\(value)'")) }
            guard range.contains(v) else {
                return .failure(
                    KeyProblem(
                        "value \(ScenarioValue.format(v)) is outside [\(ScenarioValue.format(range.lowerBound)), \(ScenarioValue.format(range.upperBound))]"
                    ))
            }
            return .success(.double(v))
        case (.string, .string):
            return .success(value)
        case (.choice(let choices), .string(let v)):
            guard choices.contains(v) else {
                return .failure(KeyProblem("'\(v)' is not one of \(choices.joined(separator: ", "))"))
            }
            return .success(value)
        case (.list, .list):
            return .success(value)
        case (.int, _):
            return .failure(KeyProblem("expected an integer, got '\(value)'"))
        case (.list, _):
            return .failure(KeyProblem("expected a list, got '\(value)'"))
        default:
            return .failure(KeyProblem("expected a string, got '\(value)'"))
        }
    }
}

/// The scenario format's keys. Nested YAML mappings become dotted names (`assumed.extract_seconds`).
public enum ScenarioKeys {
    /// The bound of a production count: only multiplied, never done, so no work grows with it;
    /// bounded so that extrapolated times stay meaningful.
    static let productionCount = 100_000_000
    static let productionBound = "a production count, only extrapolated from the sample"

    public static let all: [ScenarioKey] =
        [
            ScenarioKey("name", .string, .string("unnamed"), "scenario name, used in the output folder"),
            ScenarioKey("description", .string, .string(""), "one sentence for the report"),
            ScenarioKey(
                "workload", .choice(Workload.names), .string("pipeline"),
                "pipeline: replay `meltano run` invocations; microbench: the seed's three micro-benchmarks"),
            ScenarioKey(
                "variants", .list, .list(["meltano-3.6.0", "meltano-3.7.9"]),
                "profiles or strategies to compare (see `simulate variants`)"),
            ScenarioKey(
                "baseline", .string, .string("meltano-3.6.0"), "the variant every regression is measured against"),
            ScenarioKey(
                "invocations", .int(1...100_000), .int(9), "simulated invocations per variant",
                bound: "each runs for real, seconds of work and about 10 lines of events.jsonl"),
            ScenarioKey(
                "workers", .int(1...256), .int(2), "worker processes running at once",
                bound: "each is a process of up to worker_memory_limit_mb"),
            ScenarioKey(
                "invocations_per_process", .int(1...100_000), .int(1),
                "invocations one worker process runs in sequence (each with fresh in-process caches)",
                bound: "no more than invocations"),
            ScenarioKey("seed", .int(0...Int.max), .int(1), "seed for the plan order, error decisions and environment"),
            ScenarioKey(
                "packages", .int(1...maxPackages), .int(200), "distributions in the synthetic site-packages",
                bound: packagesBound),
            ScenarioKey(
                "site_packages", .list, .list([]), "scan these real folders instead of a synthetic environment"),
            ScenarioKey(
                "python", .string, .string(""),
                "scan this interpreter's sys.path (as its console scripts see it) instead of a synthetic environment"),
            ScenarioKey(
                "error_rate", .double(0...1), .double(0),
                "probability that a state-backend init meets an unknown scheme"),
            ScenarioKey(
                "on_error", .choice(OnError.names), .string("retry"),
                "after the error path: retry with the right scheme, or fail the invocation"),
            ScenarioKey(
                "state_backend", .choice(StateBackendKind.names), .string("systemdb"),
                "where state is kept: the system database, files, or an object store over HTTP (`s3://`-like)"),
            ScenarioKey(
                "jobs", .int(1...100_000), .int(9), "distinct jobs (state ids); invocation i runs job i mod jobs",
                bound: "one state id each in the system database and the state store"),
            ScenarioKey(
                "catalog_lines", .int(0...productionCount), .int(300_000),
                "catalog lines a tap prints per invocation (production)", bound: productionBound),
            ScenarioKey(
                "catalog_write", .choice(CatalogWriteSetting.names), .string("profile"),
                "catalog write mode: each profile's own, or held at sync / thread-hop for every variant"),
            ScenarioKey(
                "catalog_sample_lines", .int(1...1_000_000), .int(400),
                "catalog lines written for real per invocation; the rest extrapolated",
                bound: "written to a scratch file, about 50 bytes a line: 50 MB per worker at the limit"),
            ScenarioKey(
                "state_messages", .int(0...productionCount), .int(118),
                "STATE messages reaching Meltano per invocation (production)", bound: productionBound),
            ScenarioKey(
                "state_sample_messages", .int(1...100_000), .int(118), "STATE messages written for real per invocation",
                bound: "each is an UPDATE and a state write done for real"),
            ScenarioKey(
                "cost_profile", .choice(CostProfileKind.names), .string("cpython"),
                "cpython pads each unit to its CPython cost; native measures the mechanism only"),
            ScenarioKey(
                "cost_file", .string, .string(""),
                "cost-profile JSON (default: scenarios/costs/cpython-calibrated.json from `simulate calibrate`, else cpython-public.json)"
            ),
            ScenarioKey(
                "cache", .choice(CacheMode.names), .string("warm"),
                "page cache before each scan: warm, or cold (the environment's file pages dropped with posix_fadvise first; no root)"
            ),
            ScenarioKey(
                "worker_spawn", .choice(WorkerSpawnMode.names), .string("zygote"),
                "how workers start: forked by one pre-started `simulate zygote`, or each exec'd as `simulate worker`"),
            ScenarioKey(
                "worker_timeout_seconds", .double(0.1...86_400), .double(300),
                "a worker process running longer is killed"),
            ScenarioKey(
                "worker_memory_limit_mb", .int(1_024...1_048_576), .int(2_048),
                "address space a worker may map (RLIMIT_AS): a worker that would grow past it fails alone, as a worker exit",
                bound: "MiB of address space; a normal worker maps 310-830 MiB at its peak (docs/usage.md)"),
            ScenarioKey(
                "heartbeat_interval_seconds", .double(0.01...3_600), .double(1), "runs heartbeat UPDATE interval"),
            ScenarioKey(
                "lock_timeout_seconds", .double(0.01...3_600), .double(10),
                "file and http backends: a lock older than this is stale"),
            ScenarioKey(
                "lock_retry_seconds", .double(0.001...3_600), .double(1),
                "file and http backends: wait between attempts on a held lock"),
            ScenarioKey(
                "busy_timeout_seconds", .double(0.1...3_600), .double(30),
                "system database: how long one statement waits for a lock another connection holds before its "
                    + "invocation fails (the waits are reported apart, never in a phase's time)"),
            ScenarioKey(
                "production.runs", .int(1...1_000_000), .int(9), "`meltano run` processes in the production workload",
                bound: "a production count, only multiplied"),
            ScenarioKey("production.gap_seconds", .double(0...86_400), .double(2.5), "pause between production runs"),
            ScenarioKey(
                "assumed.cli_start_seconds", .double(0...86_400), .double(4),
                "CLI start and plugin install (assumed, all variants)"),
            ScenarioKey(
                "assumed.pre_plugin_other_seconds", .double(0...86_400), .double(7),
                "catalog rules and process spawn, beyond what is simulated (assumed)"),
            ScenarioKey(
                "assumed.extract_seconds", .double(0...86_400), .double(53),
                "the tap's own processing during extraction (assumed); the measured `extract` phase adds its HTTP time"),
            ScenarioKey(
                "assumed.target_tail_seconds", .double(0...86_400), .double(21),
                "the target's tail and warehouse load (assumed)"),
        ] + syntheticKeys + httpKeys + [
            ScenarioKey(
                "observed.baseline_minutes", .double(0...1_000_000), .double(0),
                "production minutes of the baseline, if known (0: none)"),
            ScenarioKey(
                "observed.regressed_minutes", .double(0...1_000_000), .double(0),
                "production minutes of the regressed version, if known"),
            ScenarioKey(
                "observed.baseline_logs", .list, .list([]),
                "Meltano console logs of the baseline (in a scenario file, relative to its folder): the report compares phase by phase"
            ),
            ScenarioKey(
                "observed.regressed_logs", .list, .list([]),
                "Meltano console logs of the regressed version, paired with the baseline's runs by job name"),
            ScenarioKey(
                "observed.regressed_variant", .string, .string(""), "the variant the observed regression belongs to"),
            ScenarioKey(
                "microbench.backends_calls", .int(0...100_000), .int(50), "microbench: backends() calls",
                bound: "each is a full entry-point scan done for real"),
            ScenarioKey(
                "microbench.creations", .int(0...100_000), .int(18), "microbench: state-backend creations",
                bound: "each is a state-backend creation done for real"),
            ScenarioKey(
                "microbench.packages_by_variant", .list, .list([]),
                "microbench: VARIANT=N entries giving a variant its own synthetic environment of N distributions"),
        ]

    /// The `synthetic.*` keys: what the synthetic environment lists besides its metadata folders.
    static let syntheticKeys = EnvironmentShape.Key.allCases.map {
        ScenarioKey($0.rawValue, .int(0...$0.upperBound), .int(EnvironmentShape.meltano379[$0]), $0.help)
    }

    /// The `http.*` keys: the extraction's pages, the client's timeouts and retries, and each
    /// endpoint family's faults and latency (`http.api.*` for the source API, `http.state.*` for
    /// the object store).
    public static let httpKeys: [ScenarioKey] =
        [
            ScenarioKey(
                "http.pages", .int(0...productionCount), .int(67),
                "pages the tap reads per invocation in production (~6,700 records / 100)", bound: productionBound),
            ScenarioKey(
                "http.sample_pages", .int(1...100_000), .int(10),
                "pages read over HTTP for real per invocation; the rest extrapolated",
                bound: "each is fetched for real over loopback HTTP"),
            ScenarioKey(
                "http.page_records", .int(0...1_000_000), .int(100), "records per page", bound: pageBound),
            ScenarioKey(
                "http.record_bytes", .int(0...1_000_000), .int(256), "JSON bytes per record (about)", bound: pageBound),
            ScenarioKey("http.connect_timeout_ms", .int(1...600_000), .int(1_000), "client connect timeout"),
            ScenarioKey(
                "http.timeout_ms", .int(1...600_000), .int(2_000),
                "client total timeout per request; a stalled answer takes twice this"),
            ScenarioKey(
                "http.max_retries", .int(0...100), .int(8),
                "retries per request on 5xx, timeout, reset or refused connection",
                bound: "each retry waits its backoff, up to http.backoff_max_ms"),
            ScenarioKey(
                "http.backoff_ms", .double(0...600_000), .double(10), "first retry's backoff; doubles per retry"),
            ScenarioKey("http.backoff_max_ms", .double(0...600_000), .double(500), "cap of the exponential backoff"),
        ]
        + Endpoints.names.flatMap { endpoint in
            [
                ScenarioKey(
                    "http.\(endpoint).error_rate", .double(0...1), .double(0),
                    "\(endpoint) endpoints: share of requests answered 503"),
                ScenarioKey(
                    "http.\(endpoint).stall_rate", .double(0...1), .double(0),
                    "\(endpoint) endpoints: share answered only after the client's timeout (the operation is done)"),
                ScenarioKey(
                    "http.\(endpoint).drop_rate", .double(0...1), .double(0),
                    "\(endpoint) endpoints: share whose connection is closed without an answer (the operation is not done)"
                ),
                ScenarioKey(
                    "http.\(endpoint).latency_ms", .double(0...600_000), .double(0),
                    "\(endpoint) endpoints: server-side latency per answer"),
                ScenarioKey(
                    "http.\(endpoint).jitter_ms", .double(0...600_000), .double(0),
                    "\(endpoint) endpoints: latency jitter (scale)"),
                ScenarioKey(
                    "http.\(endpoint).jitter", .choice(JitterShape.names), .string("uniform"),
                    "\(endpoint) endpoints: jitter shape: U(0, jitter) or an exponential tail of mean jitter"),
            ]
        }

    /// The most distributions a synthetic environment holds (`packages`, `microbench.packages_by_variant`).
    public static let maxPackages = 100_000
    public static let packagesBound = "the synthetic site-packages is written to disk, 2-3 files per distribution"

    /// The most bytes of one page of the source API (`http.page_records` × `http.record_bytes`).
    public static let maxPageBytes = 64 << 20
    static let pageBound = "a page is built whole in memory; records × bytes is at most 64 MiB"

    /// The endpoint families faults are set for.
    public enum Endpoints {
        public static let names = ["api", "state"]
    }

    /// Looks a key up by its dotted name, in either spelling (`catalog_lines` or `catalog-lines`).
    public static func key(named name: String) -> ScenarioKey? {
        let canonical = canonicalName(name)
        return all.first { $0.name == canonical }
    }

    /// The one rule between the two spellings of a key, applied everywhere a key is named: YAML
    /// and `--set` write `catalog_lines`, flags and `fit --knob` write `catalog-lines`; each place
    /// accepts both.
    public static func canonicalName(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

    /// The command-line spelling of a key (`catalog-lines`).
    public static func commandLineName(_ key: String) -> String { key.replacingOccurrences(of: "_", with: "-") }
}
