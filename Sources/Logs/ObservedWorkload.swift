import Foundation
import Model

/// A middle value with its spread: the median, the quartiles and the range of some observations.
public struct Spread: Equatable, Sendable {
    public var median: Double
    public var lowerQuartile: Double
    public var upperQuartile: Double
    public var min: Double
    public var max: Double
    public var count: Int

    /// Nil when there is no observation.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        median = Self.quantile(sorted, 0.5)
        lowerQuartile = Self.quantile(sorted, 0.25)
        upperQuartile = Self.quantile(sorted, 0.75)
        min = sorted.first!
        max = sorted.last!
        count = sorted.count
    }

    /// Whether the interquartile range is wider than half the median (and than `floor`): worth a word.
    public func isWide(floor: Double = 1) -> Bool { upperQuartile - lowerQuartile > Swift.max(median / 2, floor) }

    /// Linear interpolation between the closest ranks.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}

/// Where a run is: the log as the caller named it and the line the run begins at.
public struct RunLocation: Equatable, Sendable, CustomStringConvertible {
    public var log: String
    public var line: Int
    /// `FILE:LINE`.
    public var description: String { "\(log):\(line)" }
}

/// One job of a workload (a `meltano run` of one tap→target pair under one state ID), from the
/// complete runs of it in a set of logs.
public struct ObservedJob: Sendable {
    /// The run's pairing key: the job name (`dev:tap-to-target:suffix`), else the echoed command.
    public var name: String
    /// Where its first complete run begins.
    public var firstRun: RunLocation
    /// Complete runs in the logs (runs per period).
    public var runs: Int
    /// Each log phase's seconds over the complete runs that know it; absent when none does.
    public var phases: [LogPhase: Spread]
    /// The target's records and STATE messages per run.
    public var records: Spread?
    public var stateMessages: Spread?
    /// Whether a run printed `Using systemdb state backend`.
    public var saysSystemdb: Bool
    /// Total seconds over the complete runs that know their total.
    public var totalSeconds: Double
}

/// One log of a workload: its size and how many of its runs were used.
public struct ObservedLogSummary: Sendable {
    public var name: String
    public var lines: Int
    public var runs: Int
    /// Runs not used (partial, failed, `meltano el`, or without a job name), by why.
    public var skipped: [RunStatus: Int]

    public var skippedCount: Int { skipped.values.reduce(0, +) }
}

/// A workload read from logs that cannot give a scenario: names the file and the line.
public struct ObservedWorkloadError: Error, Equatable, CustomStringConvertible {
    public var location: String
    public var problem: String

    public init(location: String, problem: String) {
        self.location = location
        self.problem = problem
    }

    /// `FILE:LINE: problem`.
    public var description: String { "\(location): \(problem)" }
}

/// The per-job statistics of one set of logs (the baseline's or the regressed release's), from
/// their complete runs: the jobs in order of first appearance, the period the logs cover, the
/// gaps between runs, and the release the logs name.
public struct ObservedWorkload: Sendable {
    public var logs: [ObservedLogSummary]
    public var jobs: [ObservedJob]
    /// The first and the last timestamp of any run in the logs.
    public var firstTimestamp: Timestamp
    public var lastTimestamp: Timestamp
    /// Median seconds between a run's end and the next run's start (nil with one run).
    public var gapSeconds: Double?
    /// The longest of those gaps, and the runs on either side of it.
    public var widestGap: RunGap?
    /// The Meltano release the runs name (`Meltano 3.6.0, Python ...`), as `meltano-3.6.0`.
    public var release: String?
    /// Where the release is named first.
    public var releaseLocation: RunLocation?

    /// Complete runs over all jobs.
    public var runs: Int { jobs.reduce(0) { $0 + $1.runs } }
    /// The sum of the complete runs' totals, in seconds.
    public var totalSeconds: Double { jobs.reduce(0) { $0 + $1.totalSeconds } }
    /// From the first to the last timestamp, in seconds.
    public var periodSeconds: Double { firstTimestamp.seconds(to: lastTimestamp) }

    /// The job named `name`, if the logs have it.
    public func job(_ name: String) -> ObservedJob? { jobs.first { $0.name == name } }

    /// Gathers the complete runs of `logs` by job.
    /// - Throws: `ObservedWorkloadError` when no run is complete, or the logs name two releases.
    public init(_ logs: [LogFileTimeline]) throws {
        var gathered = JobGatherer()
        self.logs = logs.map { gathered.add($0) }
        guard !gathered.order.isEmpty, let first = gathered.first, let last = gathered.last else {
            throw Self.noCompleteRun(logs)
        }
        jobs = gathered.order.map { gathered.job($0) }
        firstTimestamp = first
        lastTimestamp = last
        let gaps = gathered.gaps()
        gapSeconds = Spread(gaps.map(\.seconds))?.median
        widestGap = gaps.max { $0.seconds < $1.seconds }
        (release, releaseLocation) = try Self.release(of: logs)
    }

    /// Names the first run of the set and why it does not count.
    static func noCompleteRun(_ logs: [LogFileTimeline]) -> ObservedWorkloadError {
        let all = logs.map(\.name).joined(separator: ", ")
        guard let log = logs.first(where: { !$0.runs.isEmpty }), let run = log.runs.first else {
            return ObservedWorkloadError(location: logs.first?.name ?? "logs", problem: "no `meltano run` in \(all)")
        }
        let why =
            run.kind == .el
            ? "a `meltano el` process" : run.pairingKey == nil ? "without a job name" : run.status.rawValue
        return ObservedWorkloadError(
            location: "\(log.name):\(run.firstLine)",
            problem: "no complete `meltano run` in \(all); the first run, here, is \(why)"
                + (run.statusReason.map { " (\($0))" } ?? ""))
    }

    /// The one release the logs name, or nil; two are an error at the first run of the second.
    static func release(of logs: [LogFileTimeline]) throws -> (String?, RunLocation?) {
        var found: (String, RunLocation)?
        for log in logs {
            for run in log.runs {
                guard let release = run.release else { continue }
                let here = RunLocation(log: log.name, line: run.firstLine)
                guard let (known, at) = found else {
                    found = (release, here)
                    continue
                }
                if known != release {
                    throw ObservedWorkloadError(
                        location: here.description,
                        problem: "the release changes inside one set of logs: Meltano \(release) here, "
                            + "Meltano \(known) at \(at) (give each release's logs as their own set)")
                }
            }
        }
        return (found.map { "meltano-\($0.0)" }, found?.1)
    }
}

/// The pause from one run's end to the next run's start (by start time, across the logs).
public struct RunGap: Sendable {
    public var seconds: Double
    /// The run before the gap and the run after it.
    public var after: RunLocation
    public var before: RunLocation
}

/// Collects complete runs by job while the logs are walked once.
private struct JobGatherer {
    struct Runs {
        var firstRun: RunLocation
        var phases: [LogPhase: [Double]] = [:]
        var records: [Double] = []
        var stateMessages: [Double] = []
        var saysSystemdb = false
        var totalSeconds = 0.0
        var count = 0
    }

    var order: [String] = []
    var byJob: [String: Runs] = [:]
    var first: Timestamp?
    var last: Timestamp?
    /// Every run's start and end, for the gaps between runs.
    var spans: [(start: Timestamp, end: Timestamp, at: RunLocation)] = []

    mutating func add(_ log: LogFileTimeline) -> ObservedLogSummary {
        var skipped: [RunStatus: Int] = [:]
        for run in log.runs {
            for stamp in [run.startedAt, run.endedAt].compactMap({ $0 }) {
                first = Swift.min(first ?? stamp, stamp)
                last = Swift.max(last ?? stamp, stamp)
            }
            if let start = run.startedAt, let end = run.endedAt {
                spans.append((start, end, RunLocation(log: log.name, line: run.firstLine)))
            }
            guard run.kind == .run, run.status == .completed, let key = run.pairingKey else {
                skipped[run.status == .completed ? .partial : run.status, default: 0] += 1
                continue
            }
            record(run, key: key, at: RunLocation(log: log.name, line: run.firstLine))
        }
        return ObservedLogSummary(name: log.name, lines: log.lineCount, runs: log.runs.count, skipped: skipped)
    }

    private mutating func record(_ run: RunTimeline, key: String, at location: RunLocation) {
        if byJob[key] == nil {
            order.append(key)
            byJob[key] = Runs(firstRun: location)
        }
        byJob[key]!.count += 1
        for duration in run.phases {
            if let seconds = duration.seconds { byJob[key]!.phases[duration.phase, default: []].append(seconds) }
        }
        if let records = run.records { byJob[key]!.records.append(Double(records)) }
        if let messages = run.stateMessages { byJob[key]!.stateMessages.append(Double(messages)) }
        if !run.stateBackendLines.isEmpty { byJob[key]!.saysSystemdb = true }
        byJob[key]!.totalSeconds += run.totalSeconds ?? 0
    }

    func job(_ name: String) -> ObservedJob {
        let runs = byJob[name]!
        return ObservedJob(
            name: name, firstRun: runs.firstRun, runs: runs.count,
            phases: runs.phases.compactMapValues { Spread($0) }, records: Spread(runs.records),
            stateMessages: Spread(runs.stateMessages), saysSystemdb: runs.saysSystemdb,
            totalSeconds: runs.totalSeconds)
    }

    /// Seconds from each run's end to the next run's start, in start order (overlaps count as 0).
    func gaps() -> [RunGap] {
        let sorted = spans.sorted { $0.start < $1.start }
        return zip(sorted, sorted.dropFirst()).map { one, next in
            RunGap(seconds: Swift.max(0, one.end.seconds(to: next.start)), after: one.at, before: next.at)
        }
    }
}

extension ObservedWorkload {
    /// `13 min (2026-01-08 13:31–13:44 UTC)`, `1 day (...)`, `7 days (...)`.
    public var periodLabel: String {
        let seconds = periodSeconds
        let amount: String
        switch seconds {
        case ..<5_400: amount = Self.count(Int((seconds / 60).rounded()), "min", plural: "min")
        case ..<(36 * 3_600): amount = Self.count(Int((seconds / 3_600).rounded()), "hour", plural: "hours")
        default: amount = Self.count(Int((seconds / 86_400).rounded()), "day", plural: "days")
        }
        let (from, to) = (Self.minute(firstTimestamp), Self.minute(lastTimestamp))
        let sameDay = from.prefix(10) == to.prefix(10)
        return "\(amount) (\(from)–\(sameDay ? String(to.dropFirst(11)) : to) UTC)"
    }

    private static func count(_ n: Int, _ one: String, plural: String) -> String {
        "\(Swift.max(n, 1)) \(n == 1 ? one : plural)"
    }

    /// `2026-01-08 13:31` from the timestamp's ISO text.
    private static func minute(_ stamp: Timestamp) -> String {
        let text = stamp.description
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
