import Foundation

/// Where a phase's number comes from, as the report labels it.
public enum Provenance: String, Codable, Sendable {
    /// Every unit done for real.
    case measured
    /// Some units done for real, the rest extrapolated from them.
    case sampled
    /// Taken from the scenario, not simulated.
    case assumed
}

/// One phase of one invocation: what was done, how long it took natively and as modelled.
public struct PhaseRecord: Codable, Sendable, Equatable {
    public var phase: Phase
    public var provenance: Provenance
    /// Units done for real (lines, messages, statements...).
    public var units: Int
    /// Units the production invocation does; `units` extrapolate to it.
    public var productionUnits: Int
    public var nativeNs: UInt64
    public var modelledNs: UInt64
    /// Discovery scans made inside this phase, and their modelled time.
    public var scans: Int
    public var scanModelledNs: UInt64
    /// Time waited for the system database's lock inside the phase (nil: none); not in
    /// `nativeNs` or `modelledNs`.
    public var lockWaitNs: UInt64? = nil

    public init(
        phase: Phase, provenance: Provenance, units: Int, productionUnits: Int, nativeNs: UInt64, modelledNs: UInt64,
        scans: Int = 0, scanModelledNs: UInt64 = 0
    ) {
        self.phase = phase
        self.provenance = provenance
        self.units = units
        self.productionUnits = productionUnits
        self.nativeNs = nativeNs
        self.modelledNs = modelledNs
        self.scans = scans
        self.scanModelledNs = scanModelledNs
    }

    /// Modelled nanoseconds for the production count of units.
    public var productionModelledNs: Double { extrapolated(modelledNs) }

    /// Native nanoseconds for the production count of units.
    public var productionNativeNs: Double { extrapolated(nativeNs) }

    /// Scales a sample's time to the production unit count (the sample's mean per unit).
    func extrapolated(_ ns: UInt64) -> Double {
        guard units > 0, productionUnits != units else { return Double(ns) }
        return Double(ns) / Double(units) * Double(productionUnits)
    }
}

/// An unknown-scheme error met during a state-backend initialization.
public struct ErrorPathRecord: Codable, Sendable, Equatable {
    public var initialization: Int
    public var scheme: String
    public var message: String
    public var backendsCalls: Int

    public init(initialization: Int, scheme: String, message: String, backendsCalls: Int) {
        self.initialization = initialization
        self.scheme = scheme
        self.message = message
        self.backendsCalls = backendsCalls
    }
}

/// SQLite work of one invocation.
public struct StorageCounters: Codable, Sendable, Equatable {
    public var statements: Int = 0
    public var transactions: Int = 0
    public var busyWaits: Int = 0
    public var busyWaitNs: UInt64 = 0
    public var retries: Int = 0
    public var lockWaits: Int = 0
    /// PostgreSQL: times the server could not be reached or the connection broke; nil when none (and
    /// for SQLite), so that such events keep the fast decoder's shape.
    public var connectionErrors: Int? = nil
    /// How long each statement on its own, or each whole transaction, took from its first attempt
    /// to its end (lock waits and retries included); nil when none was timed (older events).
    public var latency: LatencyBuckets? = nil
    public init() {}
}

/// How an invocation ended and what it counted.
public struct InvocationOutcome: Codable, Sendable, Equatable {
    public var succeeded: Bool
    public var discovery: DiscoveryCounters
    public var storage: StorageCounters
    public var heartbeats: Int
    /// Another run of the same job was RUNNING at start (proceeds as `meltano run --force`).
    public var jobOverlap: Bool
    public var stateWrites: Int
    public var errorPaths: Int
    public var wallNs: UInt64
    /// `--cache cold`: what dropping the environment's pages before this invocation's scans did.
    public var coldCache: PageEviction?
    /// HTTP work by phase (`extraction/pages`, and `pre-plugin/state-lookup` / `extraction/state-writes` with the http backend).
    public var http: [Phase: HTTPCounters]? = nil
    /// Why the invocation failed when the infrastructure failed it (`extract: ...`); nil otherwise,
    /// also when a modelled error path failed it.
    public var failure: String? = nil
    /// What kind of infrastructure fault `failure` is; nil with a `failure` means `http` (older events).
    public var failureCause: InfrastructureFailure? = nil
    /// The last state this invocation wrote, where the backend keeps a document (file, http).
    public var lastStateWrite: LastStateWrite? = nil
    /// CPU time (user + system, `getrusage(RUSAGE_SELF)`) the worker process used from the
    /// invocation's start to its end: its work, its busy padding and its heartbeat thread; nil in older events.
    public var cpuNs: UInt64? = nil

    /// The infrastructure fault that failed the invocation, if any.
    public var infrastructureFailure: InfrastructureFailure? { failure == nil ? nil : failureCause ?? .http }

    public init(
        succeeded: Bool, discovery: DiscoveryCounters, storage: StorageCounters, heartbeats: Int, jobOverlap: Bool,
        stateWrites: Int, errorPaths: Int, wallNs: UInt64, coldCache: PageEviction? = nil,
        http: [Phase: HTTPCounters]? = nil, failure: String? = nil, lastStateWrite: LastStateWrite? = nil
    ) {
        self.succeeded = succeeded
        self.discovery = discovery
        self.storage = storage
        self.heartbeats = heartbeats
        self.jobOverlap = jobOverlap
        self.stateWrites = stateWrites
        self.errorPaths = errorPaths
        self.wallNs = wallNs
        self.coldCache = coldCache
        self.http = http
        self.failure = failure
        self.lastStateWrite = lastStateWrite
    }
}

/// A state write's identity and content: the integrity check compares the store's final
/// document with the write of the highest sequence.
public struct LastStateWrite: Codable, Sendable, Equatable {
    public var stateID: String
    /// The `_simulate_writes` value the write stored.
    public var sequence: Int
    public var document: String

    /// Events are written snake_case and read back camelCase: `state_id` reads as `stateId`.
    enum CodingKeys: String, CodingKey {
        case stateID = "stateId"
        case sequence, document
    }

    public init(stateID: String, sequence: Int, document: String) {
        self.stateID = stateID
        self.sequence = sequence
        self.document = document
    }
}

/// One JSON line a worker writes on stdout (and the coordinator's own records in the same file).
public struct WorkerEvent: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case workerStarted = "worker_started"
        case invocationStarted = "invocation_started"
        case phase
        case errorPath = "error_path"
        case invocationFinished = "invocation_finished"
        case workerFinished = "worker_finished"
        // Written by the coordinator.
        case workerExited = "worker_exited"
        case workerTimeout = "worker_timeout"
        case malformedLine = "malformed_line"
        case invocationLost = "invocation_lost"
        case runInterrupted = "run_interrupted"
        /// A fleet run's arrival (its `monotonic_ns` is the planned instant), written when it is dispatched.
        case runArrived = "run_arrived"
    }

    public var event: Kind
    public var time: Double
    public var pid: Int32?
    public var worker: Int?
    public var invocation: Int?
    public var variant: String?
    public var job: String?
    public var phase: PhaseRecord?
    public var errorPath: ErrorPathRecord?
    public var outcome: InvocationOutcome?
    public var exitStatus: Int32?
    public var detail: String?
    /// `MonotonicClock.now()` when the event happened (CLOCK_MONOTONIC, one clock for every process
    /// of the machine): a fleet run's arrival, start and finish; nil on other events.
    public var monotonicNs: UInt64? = nil

    public init(_ event: Kind, invocation: Int? = nil, variant: String? = nil) {
        self.event = event
        self.time = Date().timeIntervalSince1970
        self.invocation = invocation
        self.variant = variant
    }

    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()

    /// The longest line (in bytes, without its newline) the coordinator takes from a worker: a
    /// longer one is a protocol error of that worker, read past and never buffered whole.
    public static let maxLineBytes = 1 << 20

    /// The most bytes of free text (an error message, a detail) a worker's event carries: an
    /// error message listing every entry point of a huge environment is cut to this, so that the
    /// event stays far below `maxLineBytes`.
    public static let maxTextBytes = 64 * 1024

    /// This event with its free-text fields cut to `maxTextBytes`, as a worker writes it.
    public var bounded: WorkerEvent {
        var copy = self
        copy.detail = detail.map(Self.cut)
        copy.errorPath?.message = errorPath.map { Self.cut($0.message) } ?? ""
        copy.outcome?.failure = outcome?.failure.map(Self.cut)
        return copy
    }

    // The text's first `maxTextBytes` bytes (a split character at the end is dropped) and what was cut.
    static func cut(_ text: String) -> String {
        let count = text.utf8.count
        guard count > maxTextBytes else { return text }
        let kept = String(decoding: text.utf8.prefix(maxTextBytes), as: UTF8.self)
        return kept.replacingOccurrences(of: "\u{FFFD}", with: "", options: .anchored.union(.backwards))
            + " [\(count - maxTextBytes) more bytes cut]"
    }

    /// One line of JSON, without the newline.
    public func jsonLine() -> String {
        // Encoding a value type of plain fields cannot fail; a failure would be a programming error.
        String(decoding: try! WorkerEvent.encoder.encode(self), as: UTF8.self)
    }

    /// The event a line holds, or nil: `EventLineDecoder` first, `JSONDecoder` for what it does not recognise.
    public static func parse(_ line: Substring) -> WorkerEvent? {
        if let fast = line.utf8.withContiguousStorageIfAvailable({ parse(utf8: UnsafeRawBufferPointer($0)) }) {
            return fast
        }
        return try? decoder.decode(WorkerEvent.self, from: Data(line.utf8))
    }

    /// `parse` for a line's bytes (without the newline).
    public static func parse(utf8 line: UnsafeRawBufferPointer) -> WorkerEvent? {
        EventLineDecoder.decode(line) ?? (try? decoder.decode(WorkerEvent.self, from: Data(line)))
    }
}
