/// A named part of one `meltano run` invocation, with its own timing.
///
/// Declared once, in the order an invocation runs them: the worker records simulated phases by
/// these names, the scenario's `assumed.*` keys fill the assumed ones, the analysis and the
/// report list them in this order, and the attribution maps each to a `CostCategory`.
/// See docs/model.md ("Phases").
public enum Phase: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    /// CLI start and plugin install (assumed).
    case cliStart = "cli-start"
    /// Resolving project settings (3.7.0+ scans `meltano.settings` once per process).
    case settings
    /// Job bookkeeping in the system database: stale runs, the running check, the `runs` row.
    case bookkeeping
    /// State-backend initialization #1 and the tap's state `get`.
    case stateLookup = "state-lookup"
    /// Writing the tap's discovery output to the catalog file.
    case catalogWrite = "catalog-write"
    /// Catalog rules and plugin process spawn, beyond what is simulated (assumed).
    case prePluginOther = "pre-plugin-other"
    /// The tap's pages fetched over HTTP.
    case extract
    /// The tap's own processing during extraction (assumed).
    case tapProcessing = "tap-processing"
    /// State-backend initialization #2, made lazily on the first STATE message.
    case targetStateInit = "target-state-init"
    /// Every STATE message: `runs.payload` UPDATE, then the state update.
    case stateWrite = "state-write"
    /// The target's tail and warehouse load (assumed).
    case targetTail = "target-tail"
    /// Marking the run SUCCESS or FAIL.
    case teardown
    /// Micro-benchmark: importing the state-backend module.
    case `import`
    /// Micro-benchmark: repeated `backends()` calls.
    case backends
    /// Micro-benchmark: state-backend creations.
    case creations

    /// Phases a pipeline worker times, in run order.
    public static let simulated: [Phase] = [
        .settings, .bookkeeping, .stateLookup, .catalogWrite, .extract, .targetStateInit, .stateWrite, .teardown,
    ]
    /// Phases taken from the scenario's `assumed.*` keys, the same for every variant, in run order.
    public static let assumed: [Phase] = [.cliStart, .prePluginOther, .tapProcessing, .targetTail]
    /// The seed note's three micro-benchmarks.
    public static let microbench: [Phase] = [.import, .backends, .creations]

    /// The scenario key that gives an assumed phase its seconds per run; nil for simulated phases.
    public var assumedKey: ScenarioKeyPath<Double>? {
        switch self {
        case .cliStart: return \.assumedCLIStartSeconds
        case .prePluginOther: return \.assumedPrePluginOtherSeconds
        case .tapProcessing: return \.assumedExtractSeconds
        case .targetTail: return \.assumedTargetTailSeconds
        default: return nil
        }
    }

    /// Whether the phase's seconds come from the scenario rather than from work done.
    public var isAssumed: Bool { assumedKey != nil }

    /// Its name in prose ("catalog write").
    public var title: String { rawValue.replacingOccurrences(of: "-", with: " ") }

    /// The kind of work a phase's time is, once its discovery scans are taken out. With the http
    /// state backend, the state lookup and writes are HTTP work (each write's one SQLite UPDATE of
    /// `runs.payload` goes with them).
    public func category(stateBackend: StateBackendKind) -> CostCategory {
        switch self {
        case .catalogWrite: return .catalogWrite
        case .stateLookup, .stateWrite: return stateBackend == .http ? .http : .sqlite
        case .bookkeeping, .teardown: return .sqlite
        case .extract: return .http
        default: return .other
        }
    }
}

extension Phase: CustomStringConvertible {
    /// The name events, summaries and reports print (`catalog-write`).
    public var description: String { rawValue }
}

extension Phase {
    /// The phase of Meltano's own log in which this simulated phase's work happens
    /// (docs/logs.md, "Simulated phases in the log's phases"); nil for the micro-benchmarks.
    ///
    /// The target's tail and warehouse load (one assumed number) is put under `load-finalize`; the
    /// log's `target-tail` then has no simulated counterpart and its change stays unexplained.
    public var logPhase: LogPhase? {
        switch self {
        case .cliStart: return .start
        case .settings, .bookkeeping, .stateLookup, .catalogWrite, .prePluginOther: return .prePlugin
        case .extract, .tapProcessing, .targetStateInit, .stateWrite: return .extraction
        case .targetTail: return .loadFinalize
        case .teardown: return .stateWrite
        case .import, .backends, .creations: return nil
        }
    }
}
