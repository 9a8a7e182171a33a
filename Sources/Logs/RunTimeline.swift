import Model

/// A line that marks something in a run: where it is, when it was printed, and what it said.
public struct LineMark: Equatable, Sendable {
    /// 1-based line number in the file.
    public var line: Int
    /// Nil when the line carried no timestamp.
    public var timestamp: Timestamp?
    /// The line's event text, shortened to 100 bytes of UTF-8 (a run keeps a dozen of these, and a
    /// 100 MB log can hold tens of thousands of runs).
    public var text: String

    public init(line: Int, timestamp: Timestamp?, text: String) {
        self.line = line
        self.timestamp = timestamp
        self.text = text.utf8.count <= 100 ? text : Self.shortened(text)
    }

    /// The text's first 97 bytes, cut where a character's bytes begin (the prefix of a character
    /// count would read the whole text's graphemes), then `...`.
    static func shortened(_ text: String) -> String {
        var bytes = text
        let end = bytes.withUTF8 { bytes in
            var end = 97
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character's bytes
            return end
        }
        // A slice of a valid `String` is copied as it is, not validated again.
        return String(text[..<text.utf8.index(text.startIndex, offsetBy: end)]) + "..."
    }
}

/// One phase's length, or why it is unknown.
public struct PhaseDuration: Equatable, Sendable {
    public var phase: LogPhase
    /// Whole microseconds; nil when a boundary is missing or the clock went backwards.
    public var microseconds: Int64?
    /// Why `microseconds` is nil.
    public var reason: String?

    public init(phase: LogPhase, microseconds: Int64?, reason: String?) {
        self.phase = phase
        self.microseconds = microseconds
        self.reason = reason
    }

    public var seconds: Double? { microseconds.map { Double($0) / 1_000_000 } }
}

/// The counts in a Singer SDK `Reader '...' completed processing N lines of input (...)` line.
public struct ReaderCounts: Codable, Equatable, Sendable {
    /// The reader's name in quotes (the SDK's name for the plugin).
    public var reader: String
    /// The Meltano plugin that printed the line (`name=`), and its role, when the line says.
    public var plugin: String?
    public var role: PluginRole?
    /// Where the line is.
    public var line: Int
    public var lines: Int
    public var schemas: Int?
    public var records: Int?
    public var batchManifests: Int?
    public var stateMessages: Int?
    public var activateVersionMessages: Int?
}

/// What a plugin does in an extract-load block, from the `consumer=` and `producer=` keys on
/// its lines (`cmd_type=extractor` / `loader` for `meltano el`).
public enum PluginRole: String, Codable, Sendable {
    case tap, mapper, target

    /// The role a plugin line's keys give, if any.
    public init?(fields: LogFields) {
        switch (fields.bool("consumer"), fields.bool("producer")) {
        case (false?, true?): self = .tap
        case (true?, true?): self = .mapper
        case (true?, false?): self = .target
        default:
            switch fields["cmd_type"] {
            case "extractor": self = .tap
            case "loader": self = .target
            default: return nil
            }
        }
    }
}

/// How a run ended.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// `Block run completed.` with `success=True` (or `Extract & load complete!` for `meltano el`).
    case completed
    /// Meltano reported a failure: `success=False`, `Run invocation could not be completed`, `Extraction failed`, ...
    case failed
    /// The process's end is not in the file (truncated, interleaved, or followed by another
    /// process without finishing); what is there is reported, the rest is unknown.
    case partial
}

/// Which Meltano command the process ran.
public enum RunKind: String, Codable, Sendable {
    /// `meltano run`: blocks, the phases apply.
    case run
    /// `meltano el` / `meltano elt`: no blocks, so no phases; counts and status only.
    case el
}

/// One Meltano process found in a log, split into phases.
public struct RunTimeline: Equatable, Sendable {
    /// 1-based position among the file's processes.
    public var index: Int
    public var kind: RunKind
    /// The state ID Meltano ran under (`job_name=` on plugin lines), e.g. `dev:tap-to-target:suffix`.
    public var jobName: String?
    /// The task runner's shell echo of the command (`meltano run -f ...`), when the log has one.
    public var command: String?
    /// From `Environment '<name>' is active`.
    public var environment: String?
    /// `run_id=` on plugin lines.
    public var runID: String?
    /// The process's first line (its `Environment '...' is active` line, normally) and last line
    /// (`Block run completed.`, or the last line seen when the run is partial).
    public var firstLine: Int
    public var lastLine: Int
    public var startedAt: Timestamp?
    public var endedAt: Timestamp?
    /// Where each boundary was found; absent boundaries have no entry.
    public var boundaries: [LogBoundary: LineMark]
    /// One entry per `LogPhase`, in pipeline order.
    public var phases: [PhaseDuration]
    /// From `startedAt` to `endedAt` (the first to the last line of the process); nil when either
    /// has no timestamp or the clock went backwards inside the run.
    public var totalMicroseconds: Int64?
    public var totalReason: String?
    /// Plugin names: the tap (`producer=True consumer=False`; or, when its lines are hidden, read
    /// from the job name `env:TAP-to-TARGET`), mappers (`producer=True consumer=True`, in order of
    /// first line) and the target (`producer=False consumer=True`).
    public var tap: String?
    public var mappers: [String]
    public var target: String?
    /// `Reader ... completed processing` lines, in order: the first `LogLimits.linesKeptPerKind`.
    public var readers: [ReaderCounts]
    /// Every `Reader` line, also those not kept in `readers`.
    public var readerLineCount: Int
    /// The counts the target read (its own last `Reader` line), when it printed one; when no
    /// `Reader` line names a role (no consumer/producer keys), the chain's last reader.
    public var targetCounts: ReaderCounts?
    /// `Using systemdb state backend` lines (Meltano ≥ 3.7 prints one per state read and write):
    /// the first `LogLimits.linesKeptPerKind`.
    public var stateBackendLines: [LineMark]
    /// Every `Using systemdb state backend` line, also those not kept.
    public var stateBackendLineCount: Int
    /// `[error ...]` lines (level error or critical), at most 50 kept; `errorLineCount` counts all.
    public var errorLines: [Int]
    public var errorLineCount: Int
    public var status: RunStatus
    /// Why the run failed or is partial; nil when completed.
    public var statusReason: String?
    /// Things about this run worth a warning (missing boundaries are in `phases` instead).
    public var notes: [LogDiagnostic]
    /// The Meltano release the process named (`Meltano 3.6.0, Python ...`, printed at debug level
    /// before its Environment line), e.g. `3.6.0`; nil when the log does not say.
    public var release: String? = nil

    /// The identity used to pair runs across logs: the job name, else the echoed command.
    public var pairingKey: String? { jobName ?? command }

    public var records: Int? { targetCounts?.records }
    public var stateMessages: Int? { targetCounts?.stateMessages }

    public func duration(_ phase: LogPhase) -> PhaseDuration { phases.first { $0.phase == phase }! }

    public var totalSeconds: Double? { totalMicroseconds.map { Double($0) / 1_000_000 } }
}
