/// What a log reader keeps, so its memory is bounded by these numbers and not by the log: a
/// 100 MB log of a million runs, or one run of a million `Reader` lines, costs what the limits allow.
///
/// Past a limit, things are counted rather than kept, and a diagnostic or a run's note says so.
public struct LogLimits: Sendable, Equatable {
    /// Runs kept whole (listed, paired, written to JSON) per read; later runs are counted by
    /// status in one diagnostic.
    public var runsKept: Int
    /// Per run: `Reader ... completed` lines and `Using systemdb state backend` lines kept (all are
    /// counted; the target's last `Reader` line is kept apart, so its counts are never lost).
    public var linesKeptPerKind: Int
    /// Per run: mapper names kept.
    public var mappersKept: Int
    /// Per run: lines where the clock goes backwards kept; past them, every phase after the last
    /// kept one is unknown.
    public var backwardsJumpsKept: Int

    public init(runsKept: Int, linesKeptPerKind: Int = 50, mappersKept: Int = 64, backwardsJumpsKept: Int = 50) {
        self.runsKept = runsKept
        self.linesKeptPerKind = linesKeptPerKind
        self.mappersKept = mappersKept
        self.backwardsJumpsKept = backwardsJumpsKept
    }

    /// What `simulate timeline` and a scenario's observed logs use (docs/logs.md).
    public static let standard = LogLimits(runsKept: 20_000)
}

/// Logs read one after the other under one budget of runs kept: together they keep at most
/// `limits.runsKept` runs (the first logs' first), so a command given many logs stays bounded too.
public struct LogReadBudget: Sendable {
    public private(set) var limits: LogLimits

    public init(_ limits: LogLimits = .standard) { self.limits = limits }

    /// `LogFileTimeline.read` with what is left of the budget.
    public mutating func read(path: String, name: String? = nil) throws -> LogFileTimeline {
        let log = try LogFileTimeline.read(path: path, name: name, limits: limits)
        limits.runsKept = max(0, limits.runsKept - log.runs.count)
        return log
    }
}

/// Adds microseconds without a trap: durations of runs spanning the years 1 to 9999 can overflow
/// `Int64` once summed, so sums are `Double` (exact up to 2^53 µs, 285 years).
public enum MicrosecondSum {
    public static func of<S: Sequence>(_ values: S) -> Double where S.Element == Int64 {
        values.reduce(0) { $0 + Double($1) }
    }
}
