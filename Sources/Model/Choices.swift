/// A scenario key whose value is one of a few names: the key table lists `allCases`, the loader
/// turns the text into the case once, and everything after compares cases, never strings.
public protocol ScenarioChoice: RawRepresentable, CaseIterable, Codable, Sendable, CustomStringConvertible,
    ScenarioValueConvertible
where RawValue == String {}

extension ScenarioChoice {
    /// Every accepted spelling, in declaration order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The spelling, as the scenario file has it (interpolation prints this, not the case name).
    public var description: String { rawValue }

    public init?(scenarioValue value: ScenarioValue) {
        guard let name = value.stringValue else { return nil }
        self.init(rawValue: name)
    }

    public var scenarioValue: ScenarioValue { .string(rawValue) }
}

/// What a run replays.
public enum Workload: String, ScenarioChoice {
    /// `meltano run` invocations, step by step.
    case pipeline
    /// The seed note's three micro-benchmarks.
    case microbench
}

/// What an invocation does after it meets an unknown state-backend scheme.
public enum OnError: String, ScenarioChoice {
    /// Retry with the right scheme (the error path's cost is paid, the run goes on).
    case retry
    /// Fail the invocation.
    case fail
}

/// Where state is kept.
public enum StateBackendKind: String, ScenarioChoice {
    case systemdb
    case file
    /// An object store over HTTP, in the shape of Meltano's `s3://` backend.
    case http

    /// The URI scheme the backend resolves through.
    public var scheme: String { self == .http ? "s3" : rawValue }
}

/// The scenario's `catalog_write` key: each profile's own mode, or one mode for every variant.
public enum CatalogWriteSetting: String, ScenarioChoice {
    case profile
    case sync
    case threadHop = "thread-hop"

    /// The mode that overrides every profile's, or nil to keep each profile's own.
    public var override: CatalogWriteMode? { CatalogWriteMode(rawValue: rawValue) }
}

/// Which costs pad the work: CPython's per-unit costs, or none.
public enum CostProfileKind: String, ScenarioChoice {
    case cpython
    case native
}

/// The page cache before each scan.
public enum CacheMode: String, ScenarioChoice {
    case warm
    /// The environment's file pages dropped with `posix_fadvise` before every scan.
    case cold
}

/// How the coordinator starts worker processes.
public enum WorkerSpawnMode: String, ScenarioChoice {
    /// Forked by one pre-started `simulate zygote`.
    case zygote
    /// Each started as `simulate worker` with exec.
    case exec
}

/// Which engine starts the workers (docs/launchers.md).
public enum LauncherEngine: String, ScenarioChoice {
    /// This machine: forked by the zygote or exec'd (`worker_spawn`).
    case local
    /// Each worker a Slurm job step through `srun` (within the caller's allocation, if any).
    case slurm
    /// Each worker through `ssh` to the next host of `launcher.hosts`, in turn.
    case ssh
}

/// How a fleet's runs arrive over its day (`fleet.arrivals`).
public enum FleetArrivals: String, ScenarioChoice {
    /// Evenly spread: run k of n arrives at (k + ½)/n of the day.
    case uniform
    /// A Poisson process of the day's runs: n seeded uniform instants, in order.
    case poisson
}

/// The shape of a server's latency jitter.
public enum JitterShape: String, ScenarioChoice {
    /// U(0, jitter).
    case uniform
    /// An exponential tail of mean jitter.
    case exponential
}
