/// A line Meltano prints at a known point of a `meltano run` process; phases run from one to the next.
///
/// Each boundary's `description` says which line it is, once, for the doc, the table and the
/// reasons given when one is missing.
public enum LogBoundary: String, CaseIterable, Codable, Sendable {
    /// The process's first line, `Environment '...' is active`.
    case processStart = "process-start"
    /// `Force option is enabled, ignoring stale job check.`: the block begins (state read,
    /// discovery and the rest of the block's preparation follow). Without `-f` Meltano prints no
    /// such line; the fallback is the install step's last line (`Installed N/N plugins` or
    /// `Skipped installing N/N plugins`), the last line Meltano prints before the block begins.
    /// With neither, the boundary is missing.
    case blockStart = "block-start"
    /// The first line of a plugin other than the tap (`consumer=True`: a mapper's or the target's
    /// first stderr line). The tap's own lines can be hidden by its log level; a mapper's or a
    /// target's startup banner is not.
    case firstConsumerLine = "first-consumer-line"
    /// The first `Reader '...' completed processing N lines of input (...)` line: the first
    /// consumer has read the whole stream, so the tap has finished.
    case firstReaderDone = "first-reader-done"
    /// The target's own `Reader '...' completed processing` line.
    case targetReaderDone = "target-reader-done"
    /// The target's last line before Meltano's last `Incremental state has been updated` line.
    case targetLastLine = "target-last-line"
    /// `Block run completed.`
    case blockEnd = "block-end"

    /// Why a phase bounded here is unknown when the boundary's line is not in the run.
    public var missing: String {
        switch self {
        case .processStart: return "the process's first line (`Environment '...' is active`) is not in the log"
        case .blockStart:
            return "no `Force option is enabled` line, and no `Installed N/N plugins` line to fall back on"
        case .firstConsumerLine: return "no line from a mapper or the target (consumer=True)"
        case .firstReaderDone: return "no `Reader '...' completed processing` line"
        case .targetReaderDone: return "no `Reader '...' completed processing` line from the target"
        case .targetLastLine: return "no `Incremental state has been updated` line after a line from the target"
        case .blockEnd: return "no `Block run completed.` line"
        }
    }

    /// Hashed and compared by case: a raw-value enum's default hashes its raw string, and a run's
    /// boundaries are looked up on most lines of a log.
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    public static func == (a: LogBoundary, b: LogBoundary) -> Bool { a.ordinal == b.ordinal }

    private var ordinal: Int {
        switch self {
        case .processStart: 0
        case .blockStart: 1
        case .firstConsumerLine: 2
        case .firstReaderDone: 3
        case .targetReaderDone: 4
        case .targetLastLine: 5
        case .blockEnd: 6
        }
    }

    public var description: String {
        switch self {
        case .processStart: return "`Environment '...' is active` (the process's first line)"
        case .blockStart:
            return
                "`Force option is enabled, ignoring stale job check.` (or, without -f, the `Installed N/N plugins` / `Skipped installing N/N plugins` line)"
        case .firstConsumerLine:
            return "the first line of a plugin other than the tap (consumer=True: mapper or target)"
        case .firstReaderDone: return "the first `Reader '...' completed processing` line"
        case .targetReaderDone: return "the target's `Reader '...' completed processing` line"
        case .targetLastLine: return "the target's last line before `Incremental state has been updated`"
        case .blockEnd: return "`Block run completed.`"
        }
    }
}

/// One contiguous stretch of a `meltano run` process, in pipeline order; together they cover the
/// process from its first line to `Block run completed`.
public enum LogPhase: String, CaseIterable, Codable, Sendable {
    /// Start-up: CLI import, project and environment, plugin install check.
    case start
    /// State read, discovery, catalog write, select rules, spawning the plugins.
    case prePlugin = "pre-plugin"
    /// The tap streams until the first consumer has read everything.
    case extraction
    /// The rest of the chain (further mappers, the target) finishes reading.
    case targetTail = "target-tail"
    /// The target loads and finalizes until its last line.
    case loadFinalize = "load-finalize"
    /// Meltano writes the final state and closes the block.
    case stateWrite = "state-write"

    /// The boundary the phase starts at.
    public var from: LogBoundary {
        switch self {
        case .start: return .processStart
        case .prePlugin: return .blockStart
        case .extraction: return .firstConsumerLine
        case .targetTail: return .firstReaderDone
        case .loadFinalize: return .targetReaderDone
        case .stateWrite: return .targetLastLine
        }
    }

    /// The boundary the phase ends at (the next phase's `from`).
    public var to: LogBoundary {
        switch self {
        case .start: return LogPhase.prePlugin.from
        case .prePlugin: return LogPhase.extraction.from
        case .extraction: return LogPhase.targetTail.from
        case .targetTail: return LogPhase.loadFinalize.from
        case .loadFinalize: return LogPhase.stateWrite.from
        case .stateWrite: return .blockEnd
        }
    }

    /// `from → to`, from the boundaries' own descriptions.
    public var boundaryDescription: String { "\(from.description) → \(to.description)" }
}

extension LogPhase: CustomStringConvertible {
    /// The name the timeline and the report print (`pre-plugin`).
    public var description: String { rawValue }
}
