import Foundation

/// The type and range a scenario key accepts.
public enum ScenarioKeyKind: Sendable {
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case string
    case choice([String])
    case list
}

/// A type a scenario key's value has: `Int`, `Double`, `String`, `[String]` or a `ScenarioChoice`.
public protocol ScenarioValueConvertible: Sendable {
    /// The typed value, or nil when `value` is of another type.
    init?(scenarioValue value: ScenarioValue)
    var scenarioValue: ScenarioValue { get }
}

extension Int: ScenarioValueConvertible {
    public init?(scenarioValue value: ScenarioValue) {
        guard let v = value.intValue else { return nil }
        self = v
    }
    public var scenarioValue: ScenarioValue { .int(self) }
}

extension Double: ScenarioValueConvertible {
    public init?(scenarioValue value: ScenarioValue) {
        guard let v = value.doubleValue else { return nil }
        self = v
    }
    public var scenarioValue: ScenarioValue { .double(self) }
}

extension String: ScenarioValueConvertible {
    public init?(scenarioValue value: ScenarioValue) {
        guard let v = value.stringValue else { return nil }
        self = v
    }
    public var scenarioValue: ScenarioValue { .string(self) }
}

extension Array: ScenarioValueConvertible where Element == String {
    public init?(scenarioValue value: ScenarioValue) {
        guard let v = value.listValue else { return nil }
        self = v
    }
    public var scenarioValue: ScenarioValue { .list(self) }
}

/// One key of the scenario format with its value's type: declared once, as a property of
/// `ScenarioKeys.Table`, and read as `scenario[\.catalogLines]` (an `Int`) or
/// `summary[\.stateBackend]` (a `StateBackendKind`).
public struct ScenarioKey<Value: ScenarioValueConvertible>: Sendable {
    /// The key as the loader, `simulate keys` and the knob table see it.
    public let erased: AnyScenarioKey
    public let defaultValue: Value

    /// The dotted name (`http.pages`), as the scenario file, `--set` and the report write it.
    public var name: String { erased.name }

    /// The key's value in `values`, or its default when absent (or not of its type).
    public func value(in values: [String: ScenarioValue]) -> Value {
        values[name].flatMap(Value.init(scenarioValue:)) ?? defaultValue
    }
}

extension ScenarioKey where Value == Int {
    init(_ name: String, range: ClosedRange<Int>, default value: Int, help: String, bound: String? = nil) {
        erased = AnyScenarioKey(name, .int(range), .int(value), help, bound: bound)
        defaultValue = value
    }
}

extension ScenarioKey where Value == Double {
    init(_ name: String, range: ClosedRange<Double>, default value: Double, help: String) {
        erased = AnyScenarioKey(name, .double(range), .double(value), help)
        defaultValue = value
    }
}

extension ScenarioKey where Value == String {
    init(_ name: String, default value: String, help: String) {
        erased = AnyScenarioKey(name, .string, .string(value), help)
        defaultValue = value
    }
}

extension ScenarioKey where Value == [String] {
    init(_ name: String, default value: [String], help: String) {
        erased = AnyScenarioKey(name, .list, .list(value), help)
        defaultValue = value
    }
}

extension ScenarioKey where Value: ScenarioChoice {
    /// A choice key: its choices are the enum's cases.
    init(_ name: String, default value: Value, help: String) {
        erased = AnyScenarioKey(name, .choice(Value.names), .string(value.rawValue), help)
        defaultValue = value
    }
}

/// A typed key as a path into the table: `\.catalogLines`, `\.http.api.latencyMilliseconds`.
public typealias ScenarioKeyPath<Value: ScenarioValueConvertible> = KeyPath<ScenarioKeys.Table, ScenarioKey<Value>>

/// Typed keys, or groups of them: what `ScenarioKeys.all` is derived from.
public protocol ScenarioKeyGroup: Sendable {
    /// The group's keys, erased, in declaration order.
    var erasedKeys: [AnyScenarioKey] { get }
}

extension ScenarioKeyGroup {
    /// Every key among the group's stored properties (nested groups included), in declaration order.
    public var erasedKeys: [AnyScenarioKey] {
        Mirror(reflecting: self).children.flatMap { ($0.value as? any ScenarioKeyGroup)?.erasedKeys ?? [] }
    }
}

extension ScenarioKey: ScenarioKeyGroup {
    public var erasedKeys: [AnyScenarioKey] { [erased] }
}

/// One key of the scenario format with its type erased: its name, kind, default and what it means.
///
/// Each is derived from a typed `ScenarioKey` of `ScenarioKeys.Table`; the list of them,
/// `ScenarioKeys.all`, is what the YAML loader, the `--set key=value` flag, `simulate keys` and the
/// report's knob table walk.
public struct AnyScenarioKey: Sendable {
    public let name: String
    public let kind: ScenarioKeyKind
    public let defaultValue: ScenarioValue
    public let help: String
    /// Why a count's upper bound is where it is (`simulate keys` and errors say it); nil for other keys.
    public let bound: String?

    init(_ name: String, _ kind: ScenarioKeyKind, _ defaultValue: ScenarioValue, _ help: String, bound: String? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.bound = bound
    }

    /// Converts a command-line string into this key's type, or explains why it cannot.
    public func parse(commandLine text: String) -> Result<ScenarioValue, KeyProblem> {
        convert(text).flatMap(check)
    }

    /// A command-line string in this key's type, its range not checked.
    public func convert(_ text: String) -> Result<ScenarioValue, KeyProblem> {
        switch kind {
        case .int:
            guard let v = NumberGrammar.integer(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(KeyProblem("expected an integer, got '\(text)'"))
            }
            return .success(.int(v))
        case .double:
            guard let v = NumberGrammar.number(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(KeyProblem("expected a number, got '\(text)'"))
            }
            return .success(.double(v))
        case .string, .choice:
            return .success(.string(text))
        case .list:
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return .success(.list(items.filter { !$0.isEmpty }))
        }
    }

    /// A value read back from a summary in this key's type: summaries before schema version 3 held
    /// every value as text, and JSON writes a whole number without its fraction.
    public func normalized(_ value: ScenarioValue) -> ScenarioValue {
        switch (kind, value) {
        case (.int, .double(let v)) where v == v.rounded() && abs(v) < 1e15: return .int(Int(v))
        case (.double, .int(let v)): return .double(Double(v))
        case (.int, .string(let text)), (.double, .string(let text)), (.list, .string(let text)):
            return (try? convert(text).get()) ?? value
        default: return value
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

    /// Every key, typed, declared once.
    public static let table = Table()

    /// Every key with its type erased, in the order `simulate keys` lists them: derived from `table`.
    public static let all: [AnyScenarioKey] = table.erasedKeys

    /// Every scenario key, each a typed property: adding a setting is adding a property here (its
    /// place among the properties is its place in `simulate keys` and the knob table).
    public struct Table: ScenarioKeyGroup {
        public let name = ScenarioKey<String>(
            "name", default: "unnamed",
            help: "scenario name, used in the output folder")
        public let description = ScenarioKey<String>(
            "description", default: "",
            help: "one sentence for the report")
        public let workload = ScenarioKey<Workload>(
            "workload", default: .pipeline,
            help: "pipeline: replay `meltano run` invocations; microbench: the seed's three micro-benchmarks")
        public let variants = ScenarioKey<[String]>(
            "variants", default: ["meltano-3.6.0", "meltano-3.7.9"],
            help: "profiles or strategies to compare (see `simulate variants`)")
        public let baseline = ScenarioKey<String>(
            "baseline", default: "meltano-3.6.0",
            help: "the variant every regression is measured against")
        public let invocations = ScenarioKey<Int>(
            "invocations", range: 1...100_000, default: 9,
            help: "simulated invocations per variant",
            bound: "each runs for real, seconds of work and about 10 lines of events.jsonl")
        public let workers = ScenarioKey<Int>(
            "workers", range: 1...256, default: 2,
            help: "worker processes running at once", bound: "each is a process of up to worker_memory_limit_mb")
        public let invocationsPerProcess = ScenarioKey<Int>(
            "invocations_per_process", range: 1...100_000, default: 1,
            help: "invocations one worker process runs in sequence (each with fresh in-process caches)",
            bound: "no more than invocations")
        public let seed = ScenarioKey<Int>(
            "seed", range: 0...Int.max, default: 1,
            help: "seed for the plan order, error decisions and environment")
        public let packages = ScenarioKey<Int>(
            "packages", range: 1...maxPackages, default: 200,
            help: "distributions in the synthetic site-packages", bound: packagesBound)
        public let sitePackages = ScenarioKey<[String]>(
            "site_packages", default: [],
            help: "scan these real folders instead of a synthetic environment")
        public let python = ScenarioKey<String>(
            "python", default: "",
            help: "scan this interpreter's sys.path (as its console scripts see it) instead of a synthetic environment")
        public let errorRate = ScenarioKey<Double>(
            "error_rate", range: 0...1, default: 0,
            help: "probability that a state-backend init meets an unknown scheme")
        public let onError = ScenarioKey<OnError>(
            "on_error", default: .retry,
            help: "after the error path: retry with the right scheme, or fail the invocation")
        public let stateBackend = ScenarioKey<StateBackendKind>(
            "state_backend", default: .systemdb,
            help: "where state is kept: the system database, files, or an object store over HTTP (`s3://`-like)")
        public let jobs = ScenarioKey<Int>(
            "jobs", range: 1...100_000, default: 9,
            help:
                "distinct jobs (state ids), alike, sharing production.runs; or in a file a list of jobs with their own "
                + "runs, sizes and assumed seconds (docs/workload.md)",
            bound: "one state id each in the system database and the state store")
        public let catalogLines = ScenarioKey<Int>(
            "catalog_lines", range: 0...productionCount, default: 300_000,
            help: "catalog lines a tap prints per invocation (production)", bound: productionBound)
        public let catalogWrite = ScenarioKey<CatalogWriteSetting>(
            "catalog_write", default: .profile,
            help: "catalog write mode: each profile's own, or held at sync / thread-hop for every variant")
        public let catalogSampleLines = ScenarioKey<Int>(
            "catalog_sample_lines", range: 1...1_000_000, default: 400,
            help: "catalog lines written for real per invocation; the rest extrapolated",
            bound: "written to a scratch file, about 50 bytes a line: 50 MB per worker at the limit")
        public let stateMessages = ScenarioKey<Int>(
            "state_messages", range: 0...productionCount, default: 118,
            help: "STATE messages reaching Meltano per invocation (production)", bound: productionBound)
        public let stateSampleMessages = ScenarioKey<Int>(
            "state_sample_messages", range: 1...100_000, default: 118,
            help: "STATE messages written for real per invocation",
            bound: "each is an UPDATE and a state write done for real")
        public let costProfile = ScenarioKey<CostProfileKind>(
            "cost_profile", default: .cpython,
            help: "cpython pads each unit to its CPython cost; native measures the mechanism only")
        public let costFile = ScenarioKey<String>(
            "cost_file", default: "",
            help:
                "cost-profile JSON (default: scenarios/costs/cpython-calibrated.json from `simulate calibrate`, else cpython-public.json)"
        )
        public let cacheMode = ScenarioKey<CacheMode>(
            "cache", default: .warm,
            help:
                "page cache before each scan: warm, or cold (the environment's file pages dropped with posix_fadvise first; no root)"
        )
        public let workerSpawn = ScenarioKey<WorkerSpawnMode>(
            "worker_spawn", default: .zygote,
            help: "how workers start: forked by one pre-started `simulate zygote`, or each exec'd as `simulate worker`")
        public let workerTimeoutSeconds = ScenarioKey<Double>(
            "worker_timeout_seconds", range: 0.1...86_400, default: 300,
            help: "a worker process running longer is killed")
        public let workerMemoryLimitMB = ScenarioKey<Int>(
            "worker_memory_limit_mb", range: 1_024...1_048_576, default: 2_048,
            help:
                "address space a worker may map (RLIMIT_AS): a worker that would grow past it fails alone, as a worker exit",
            bound: "MiB of address space; a normal worker maps 310-830 MiB at its peak (docs/usage.md)")
        public let heartbeatIntervalSeconds = ScenarioKey<Double>(
            "heartbeat_interval_seconds", range: 0.01...3_600, default: 1,
            help: "runs heartbeat UPDATE interval")
        public let lockTimeoutSeconds = ScenarioKey<Double>(
            "lock_timeout_seconds", range: 0.01...3_600, default: 10,
            help: "file and http backends: a lock older than this is stale")
        public let lockRetrySeconds = ScenarioKey<Double>(
            "lock_retry_seconds", range: 0.001...3_600, default: 1,
            help: "file and http backends: wait between attempts on a held lock")
        public let busyTimeoutSeconds = ScenarioKey<Double>(
            "busy_timeout_seconds", range: 0.1...3_600, default: 30,
            help: "system database: how long one statement waits for a lock another connection holds before its "
                + "invocation fails (the waits are reported apart, never in a phase's time)")
        public let systemdb = ScenarioKey<String>(
            "systemdb", default: "sqlite",
            help: "the system database: sqlite (a file in the run folder), or a postgresql:// URL of a PostgreSQL "
                + "server (each run gets its own schema; docs/systemdb.md)")
        public let productionRuns = ScenarioKey<Int>(
            "production.runs", range: 1...1_000_000, default: 9,
            help: "`meltano run` processes in the production workload", bound: "a production count, only multiplied")
        public let productionPeriod = ScenarioKey<String>(
            "production.period", default: "",
            help: "the span of time production.runs fall in (`7 days`), as the logs it came from show; empty: one batch"
        )
        public let productionGapSeconds = ScenarioKey<Double>(
            "production.gap_seconds", range: 0...86_400, default: 2.5,
            help: "pause between production runs")
        /// One `assumed.*` key per log phase: the seconds of that phase the model does not
        /// simulate, per run, the same for every variant (a job of a `jobs:` list has its own).
        public let assumedStartSeconds = ScenarioKey<Double>(
            "assumed.start_seconds", range: 0...86_400, default: 4,
            help: "start: CLI import, project and plugin install check (assumed, all variants)")
        public let assumedPrePluginSeconds = ScenarioKey<Double>(
            "assumed.pre_plugin_seconds", range: 0...86_400, default: 7,
            help: "pre-plugin beyond what is simulated: discovery's run, catalog rules, plugin spawn (assumed)")
        public let assumedExtractionSeconds = ScenarioKey<Double>(
            "assumed.extraction_seconds", range: 0...86_400, default: 53,
            help:
                "extraction: the tap's own processing (assumed); the simulated pages and state writes add their time")
        public let assumedTargetTailSeconds = ScenarioKey<Double>(
            "assumed.target_tail_seconds", range: 0...86_400, default: 7.5,
            help: "target-tail: the chain after the tap finishing its reading (assumed)")
        public let assumedLoadFinalizeSeconds = ScenarioKey<Double>(
            "assumed.load_finalize_seconds", range: 0...86_400, default: 13.2,
            help: "load-finalize: the target's load and finalize (assumed)")
        public let assumedStateWriteSeconds = ScenarioKey<Double>(
            "assumed.state_write_seconds", range: 0...86_400, default: 0.4,
            help: "state-write beyond the simulated teardown: the final state, the block's close (assumed)")
        /// The `synthetic.*` keys, one per `EnvironmentShape.Key`.
        public let synthetic = SyntheticKeys()
        /// The `http.*` keys.
        public let http = HTTPKeys()
        /// The `launcher.*` keys.
        public let launcher = LauncherKeys()
        /// The `fleet.*` keys.
        public let fleet = FleetKeys()
        public let observedBaselineMinutes = ScenarioKey<Double>(
            "observed.baseline_minutes", range: 0...1_000_000, default: 0,
            help: "production minutes of the baseline, if known (0: none)")
        public let observedRegressedMinutes = ScenarioKey<Double>(
            "observed.regressed_minutes", range: 0...1_000_000, default: 0,
            help: "production minutes of the regressed version, if known")
        public let observedBaselineLogs = ScenarioKey<[String]>(
            "observed.baseline_logs", default: [],
            help:
                "Meltano console logs of the baseline (in a scenario file, relative to its folder): the report compares phase by phase"
        )
        public let observedRegressedLogs = ScenarioKey<[String]>(
            "observed.regressed_logs", default: [],
            help: "Meltano console logs of the regressed version, paired with the baseline's runs by job name")
        public let observedRegressedVariant = ScenarioKey<String>(
            "observed.regressed_variant", default: "",
            help: "the variant the observed regression belongs to")
        public let microbenchBackendsCalls = ScenarioKey<Int>(
            "microbench.backends_calls", range: 0...100_000, default: 50,
            help: "microbench: backends() calls", bound: "each is a full entry-point scan done for real")
        public let microbenchCreations = ScenarioKey<Int>(
            "microbench.creations", range: 0...100_000, default: 18,
            help: "microbench: state-backend creations", bound: "each is a state-backend creation done for real")
        public let microbenchPackagesByVariant = ScenarioKey<[String]>(
            "microbench.packages_by_variant", default: [],
            help: "microbench: VARIANT=N entries giving a variant its own synthetic environment of N distributions")
    }

    /// The `synthetic.*` keys: what the synthetic environment lists besides its metadata folders.
    public struct SyntheticKeys: ScenarioKeyGroup {
        public subscript(shape: EnvironmentShape.Key) -> ScenarioKey<Int> {
            ScenarioKey<Int>(
                shape.rawValue, range: 0...shape.upperBound, default: EnvironmentShape.meltano379[shape],
                help: shape.help)
        }

        public var erasedKeys: [AnyScenarioKey] { EnvironmentShape.Key.allCases.map { self[$0].erased } }
    }

    /// The `http.*` keys: the extraction's pages, the client's timeouts and retries, and each
    /// endpoint family's faults and latency (`http.api.*` for the source API, `http.state.*` for
    /// the object store).
    public struct HTTPKeys: ScenarioKeyGroup {
        public let pages = ScenarioKey<Int>(
            "http.pages", range: 0...productionCount, default: 67,
            help: "pages the tap reads per invocation in production (~6,700 records / 100)", bound: productionBound)
        public let samplePages = ScenarioKey<Int>(
            "http.sample_pages", range: 1...100_000, default: 10,
            help: "pages read over HTTP for real per invocation; the rest extrapolated",
            bound: "each is fetched for real over loopback HTTP")
        public let pageRecords = ScenarioKey<Int>(
            "http.page_records", range: 0...1_000_000, default: 100,
            help: "records per page", bound: pageBound)
        public let recordBytes = ScenarioKey<Int>(
            "http.record_bytes", range: 0...1_000_000, default: 256,
            help: "JSON bytes per record (about)", bound: pageBound)
        public let connectTimeoutMilliseconds = ScenarioKey<Int>(
            "http.connect_timeout_ms", range: 1...600_000, default: 1_000,
            help: "client connect timeout")
        public let timeoutMilliseconds = ScenarioKey<Int>(
            "http.timeout_ms", range: 1...600_000, default: 2_000,
            help: "client total timeout per request; a stalled answer takes twice this")
        public let maxRetries = ScenarioKey<Int>(
            "http.max_retries", range: 0...100, default: 8,
            help: "retries per request on 5xx, timeout, reset or refused connection",
            bound: "each retry waits its backoff, up to http.backoff_max_ms")
        public let backoffMilliseconds = ScenarioKey<Double>(
            "http.backoff_ms", range: 0...600_000, default: 10,
            help: "first retry's backoff; doubles per retry")
        public let backoffMaxMilliseconds = ScenarioKey<Double>(
            "http.backoff_max_ms", range: 0...600_000, default: 500,
            help: "cap of the exponential backoff")
        public let bindAddress = ScenarioKey<String>(
            "http.bind_address", default: "127.0.0.1",
            help: "address the run's HTTP server listens on (0.0.0.0 for workers on other nodes)")
        public let advertiseAddress = ScenarioKey<String>(
            "http.advertise_address", default: "",
            help: "address workers reach the server at (empty: the bind address, or this host's name for 0.0.0.0 or ::)"
        )
        public let api = EndpointKeys("api")
        public let state = EndpointKeys("state")

        /// The endpoint families faults are set for.
        public var endpoints: [EndpointKeys] { [api, state] }
    }

    /// The `launcher.*` keys: which engine starts the workers and how it reaches them (docs/launchers.md).
    public struct LauncherKeys: ScenarioKeyGroup {
        public let engine = ScenarioKey<LauncherEngine>(
            "launcher.engine", default: .local,
            help:
                "how workers start: local (worker_spawn), slurm (each a step through srun), ssh (to launcher.hosts in turn)"
        )
        public let hosts = ScenarioKey<[String]>(
            "launcher.hosts", default: [],
            help: "ssh: the hosts workers start on, in turn (names ssh resolves, user@host works)")
        public let sshConfig = ScenarioKey<String>(
            "launcher.ssh_config", default: "",
            help: "ssh: an ssh_config file given to ssh -F (empty: ssh's own)")
        public let srunArguments = ScenarioKey<[String]>(
            "launcher.srun_arguments", default: [],
            help: "slurm: more srun arguments, one per entry (--partition=debug, --time=10)")
        public let workerBinary = ScenarioKey<String>(
            "launcher.worker_binary", default: "",
            help:
                "slurm and ssh: the simulate binary on the nodes (empty: this one, at the same path on a shared file system)"
        )
    }

    /// The `fleet.*` keys: a day of `meltano run`s replayed with real concurrency (docs/fleet.md).
    public struct FleetKeys: ScenarioKeyGroup {
        public let runsPerDay = ScenarioKey<Int>(
            "fleet.runs_per_day", range: 0...100_000, default: 0,
            help: "0: not a fleet run; else the day's `meltano run`s, each replayed as its own worker process "
                + "(sets invocations, workers and invocations_per_process)",
            bound: "each runs for real as its own worker process")
        public let slots = ScenarioKey<Int>(
            "fleet.slots", range: 1...256, default: 4,
            help: "fleet workers: at most this many runs at once; a run arriving with every slot busy waits",
            bound: "each is a process of up to worker_memory_limit_mb")
        public let daySeconds = ScenarioKey<Double>(
            "fleet.day_seconds", range: 0.1...86_400, default: 60,
            help: "wall seconds the replay compresses each variant's day of arrivals into")
        public let arrivals = ScenarioKey<FleetArrivals>(
            "fleet.arrivals", default: .uniform,
            help: "uniform: evenly spread over the day; poisson: a Poisson process seeded from `seed`")
    }

    /// Faults and latency of one endpoint family (`http.api.*` or `http.state.*`).
    public struct EndpointKeys: ScenarioKeyGroup {
        /// `api` or `state`.
        public let endpoint: String
        public let errorRate: ScenarioKey<Double>
        public let stallRate: ScenarioKey<Double>
        public let dropRate: ScenarioKey<Double>
        public let latencyMilliseconds: ScenarioKey<Double>
        public let jitterMilliseconds: ScenarioKey<Double>
        public let jitter: ScenarioKey<JitterShape>

        init(_ endpoint: String) {
            self.endpoint = endpoint
            errorRate = ScenarioKey<Double>(
                "http.\(endpoint).error_rate", range: 0...1, default: 0,
                help: "\(endpoint) endpoints: share of requests answered 503")
            stallRate = ScenarioKey<Double>(
                "http.\(endpoint).stall_rate", range: 0...1, default: 0,
                help: "\(endpoint) endpoints: share answered only after the client's timeout (the operation is done)")
            dropRate = ScenarioKey<Double>(
                "http.\(endpoint).drop_rate", range: 0...1, default: 0,
                help:
                    "\(endpoint) endpoints: share whose connection is closed without an answer (the operation is not done)"
            )
            latencyMilliseconds = ScenarioKey<Double>(
                "http.\(endpoint).latency_ms", range: 0...600_000, default: 0,
                help: "\(endpoint) endpoints: server-side latency per answer")
            jitterMilliseconds = ScenarioKey<Double>(
                "http.\(endpoint).jitter_ms", range: 0...600_000, default: 0,
                help: "\(endpoint) endpoints: latency jitter (scale)")
            jitter = ScenarioKey<JitterShape>(
                "http.\(endpoint).jitter", default: .uniform,
                help: "\(endpoint) endpoints: jitter shape: U(0, jitter) or an exponential tail of mean jitter")
        }
    }

    /// The most distributions a synthetic environment holds (`packages`, `microbench.packages_by_variant`).
    public static let maxPackages = 100_000
    public static let packagesBound = "the synthetic site-packages is written to disk, 2-3 files per distribution"

    /// The most bytes of one page of the source API (`http.page_records` × `http.record_bytes`).
    public static let maxPageBytes = 64 << 20
    static let pageBound = "a page is built whole in memory; records × bytes is at most 64 MiB"

    /// Looks a key up by its dotted name, in either spelling (`catalog_lines` or `catalog-lines`).
    public static func key(named name: String) -> AnyScenarioKey? {
        let canonical = canonicalName(name)
        let current = renamed[canonical] ?? canonical
        return all.first { $0.name == current }
    }

    /// Keys renamed when the phases were named inside the log's phases, still read by their old
    /// names. The old `assumed.target_tail_seconds` (tail and load together) keeps its name and now
    /// holds the log's `target-tail` only; `assumed.load_finalize_seconds` holds the rest.
    static let renamed: [String: String] = [
        "assumed.cli_start_seconds": "assumed.start_seconds",
        "assumed.pre_plugin_other_seconds": "assumed.pre_plugin_seconds",
        "assumed.extract_seconds": "assumed.extraction_seconds",
    ]

    /// The one rule between the two spellings of a key, applied everywhere a key is named: YAML
    /// and `--set` write `catalog_lines`, flags and `fit --knob` write `catalog-lines`; each place
    /// accepts both.
    public static func canonicalName(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

    /// The command-line spelling of a key (`catalog-lines`).
    public static func commandLineName(_ key: String) -> String { key.replacingOccurrences(of: "_", with: "-") }
}
