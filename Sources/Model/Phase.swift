/// A named part of one `meltano run` invocation, with its own timing, named inside the log phase
/// it belongs to (`pre-plugin/catalog-write`): Meltano's own log phases (`LogPhase`) are the top
/// level, and every step the model times or assumes is a part of exactly one of them.
///
/// Declared once, in the order an invocation runs them: the worker records simulated steps by
/// these names, the scenario's `assumed.*` keys (one per log phase) fill the assumed ones, the
/// analysis and the report list them in this order, and the attribution maps each to a
/// `CostCategory`. See docs/model.md ("Phases").
public enum Phase: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    /// The rest of `start`: CLI import, project and plugin install check (assumed).
    case startOther = "start/other"
    /// Resolving project settings (3.7.0+ scans `meltano.settings` once per process).
    case settings = "pre-plugin/settings"
    /// Job bookkeeping in the system database: stale runs, the running check, the `runs` row.
    case bookkeeping = "pre-plugin/bookkeeping"
    /// State-backend initialization #1 and the tap's state `get`.
    case stateLookup = "pre-plugin/state-lookup"
    /// Writing the tap's discovery output to the catalog file.
    case catalogWrite = "pre-plugin/catalog-write"
    /// The rest of `pre-plugin`: discovery's own run, catalog rules, plugin spawn (assumed).
    case prePluginOther = "pre-plugin/other"
    /// The tap's pages fetched over HTTP.
    case pages = "extraction/pages"
    /// The rest of `extraction`: the tap's own processing (assumed).
    case tapProcessing = "extraction/tap"
    /// State-backend initialization #2, made lazily on the first STATE message.
    case targetStateInit = "extraction/target-state-init"
    /// Every STATE message: `runs.payload` UPDATE, then the state update.
    case stateWrites = "extraction/state-writes"
    /// `target-tail`: the chain after the tap finishing its reading (assumed).
    case targetRead = "target-tail/target"
    /// `load-finalize`: the target's load and finalize (assumed).
    case targetLoad = "load-finalize/target"
    /// Marking the run SUCCESS or FAIL.
    case teardown = "state-write/teardown"
    /// The rest of `state-write`: the final state and the block's close (assumed).
    case stateWriteOther = "state-write/other"
    /// Micro-benchmark: importing the state-backend module.
    case `import` = "microbench/import"
    /// Micro-benchmark: repeated `backends()` calls.
    case backends = "microbench/backends"
    /// Micro-benchmark: state-backend creations.
    case creations = "microbench/creations"

    /// Phases a pipeline worker times, in run order.
    public static let simulated: [Phase] = [
        .settings, .bookkeeping, .stateLookup, .catalogWrite, .pages, .targetStateInit, .stateWrites, .teardown,
    ]
    /// Phases taken from the scenario's `assumed.*` keys (per job), the same for every variant, in run order.
    public static let assumed: [Phase] = [
        .startOther, .prePluginOther, .tapProcessing, .targetRead, .targetLoad, .stateWriteOther,
    ]
    /// The seed note's three micro-benchmarks.
    public static let microbench: [Phase] = [.import, .backends, .creations]

    /// The assumed phase that holds the rest of `logPhase`: one per log phase.
    public static func assumed(in logPhase: LogPhase) -> Phase {
        switch logPhase {
        case .start: return .startOther
        case .prePlugin: return .prePluginOther
        case .extraction: return .tapProcessing
        case .targetTail: return .targetRead
        case .loadFinalize: return .targetLoad
        case .stateWrite: return .stateWriteOther
        }
    }

    /// Whether the phase's seconds come from the scenario rather than from work done.
    public var isAssumed: Bool { Phase.assumed.contains(self) }

    /// The step's own name, without its log phase (`catalog-write`).
    public var step: String { String(rawValue.split(separator: "/").last ?? "") }

    /// The name summaries of schema 1–3 and older events gave the phase (`catalog-write`); compare
    /// reads them. The old `target-tail` held today's `target-tail/target` and `load-finalize/target`.
    public static func legacy(_ name: String) -> Phase? {
        switch name {
        case "cli-start": return .startOther
        case "settings": return .settings
        case "bookkeeping": return .bookkeeping
        case "state-lookup": return .stateLookup
        case "catalog-write": return .catalogWrite
        case "pre-plugin-other": return .prePluginOther
        case "extract": return .pages
        case "tap-processing": return .tapProcessing
        case "target-state-init": return .targetStateInit
        case "state-write": return .stateWrites
        case "target-tail": return .targetRead
        case "teardown": return .teardown
        case "import": return .import
        case "backends": return .backends
        case "creations": return .creations
        default: return nil
        }
    }

    /// The kind of work a phase's time is, once its discovery scans are taken out. With the http
    /// state backend, the state lookup and writes are HTTP work (each write's one SQLite UPDATE of
    /// `runs.payload` goes with them).
    public func category(stateBackend: StateBackendKind) -> CostCategory {
        switch self {
        case .catalogWrite: return .catalogWrite
        case .stateLookup, .stateWrites: return stateBackend == .http ? .http : .sqlite
        case .bookkeeping, .teardown: return .sqlite
        case .pages: return .http
        default: return .other
        }
    }
}

extension Phase: CustomStringConvertible {
    /// The name events, summaries and reports print (`catalog-write`).
    public var description: String { rawValue }
}

extension Phase {
    /// The log phase this step is a part of (its name's first half); nil for the micro-benchmarks.
    public var logPhase: LogPhase? {
        LogPhase(rawValue: String(rawValue.split(separator: "/").first ?? ""))
    }
}

extension Phase {
    /// Reads today's names and, for summaries of schema 1–3, the names phases had before they were
    /// named inside the log's phases (`legacy(_:)`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let phase = Phase(rawValue: name) ?? Phase.legacy(name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown phase '\(name)'")
        }
        self = phase
    }
}
