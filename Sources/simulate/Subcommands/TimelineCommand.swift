import ArgumentParser
import Foundation
import Logs
import Report

/// `simulate timeline LOG...`: Meltano's own console logs split into per-run phase timelines;
/// with `--baseline` and `--regressed`, how each phase moved between two workloads.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Split Meltano logs into per-run phase timelines, or compare two workloads phase by phase.",
        discussion: """
            Reads console logs (`meltano run` output, a task runner's own lines allowed in between) or \
            `--log-format json` logs, finds every `meltano run` process, and splits each into contiguous phases \
            that add up to its wall time: start, pre-plugin, extraction, target-tail, load-finalize, state-write, \
            bounded by lines Meltano prints. A phase whose boundary line is missing is unknown (?), never guessed. \
            See docs/logs.md for the boundaries, the JSON schema and what happens with damaged logs.

            Exit status: 0; 2 when a log cannot be read or holds no Meltano process. Warnings about a log \
            (partial runs, a clock going backwards, bad bytes) go to stderr, naming the file and line.

            Examples:
              simulate timeline scenarios/matatika-logs/OK-*.txt
              simulate timeline --json scenarios/matatika-logs/*.txt
              simulate timeline --baseline scenarios/matatika-logs/OK-*.txt --regressed scenarios/matatika-logs/SLOW-f78c1b80-*.txt
            """
    )

    @Argument(help: "Meltano log files to split.") var logs: [String] = []
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The baseline workload's logs.", valueName: "log"))
    var baseline: [String] = []
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "The regressed workload's logs, paired with the baseline's runs by job name.", valueName: "log"))
    var regressed: [String] = []
    @Flag(
        help:
            "Write JSON (schema simulate-timeline/1, or simulate-timeline-comparison/1 with --baseline) instead of Markdown."
    )
    var json = false

    func run() throws {
        let comparing = !baseline.isEmpty || !regressed.isEmpty
        if comparing && (baseline.isEmpty || regressed.isEmpty) {
            throw SimulateExit.badInput("timeline: --baseline and --regressed go together, each with at least one log")
        }
        if comparing && !logs.isEmpty {
            throw SimulateExit.badInput(
                "timeline: give logs either as arguments or after --baseline/--regressed, not both")
        }
        if !comparing && logs.isEmpty {
            throw SimulateExit.badInput("timeline: no log given (simulate timeline LOG...)")
        }

        if comparing {
            // Each side keeps its own `LogLimits.standard.runsKept` runs, so both have runs to pair.
            var baselineBudget = LogReadBudget()
            var regressedBudget = LogReadBudget()
            let before = try baseline.map { try Self.read($0, budget: &baselineBudget) }
            let after = try regressed.map { try Self.read($0, budget: &regressedBudget) }
            (before + after).forEach(Self.warn)
            let comparison = TimelineComparison(baseline: before.map(Self.shown), regressed: after.map(Self.shown))
            let (baselineNames, regressedNames) = (baseline.map(Self.shown), regressed.map(Self.shown))
            if json {
                try Self.write(
                    ComparisonDocument(comparison, baseline: baselineNames, regressed: regressedNames).encoded())
            } else {
                print(
                    TimelineMarkdown.render(comparison, baseline: baselineNames, regressed: regressedNames),
                    terminator: "")
            }
            return
        }
        var budget = LogReadBudget()
        var read = try logs.map { try Self.read($0, budget: &budget) }
        read.forEach(Self.warn)
        read = read.map(Self.shown)
        if json {
            try TimelineDocument.write(logs: read) { FileHandle.standardOutput.write($0) }
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(read.map(TimelineMarkdown.render).joined(separator: "\n"), terminator: "")
        }
    }

    /// The log's runs; a file that cannot be read, is not a regular file (a FIFO, a pipe, a
    /// device) or holds no Meltano process is bad input (exit 2).
    static func read(_ path: String, budget: inout LogReadBudget) throws -> LogFileTimeline {
        let log: LogFileTimeline
        do {
            log = try budget.read(path: path)
        } catch let error as LogReadError {
            throw SimulateExit.badInput(error.description)
        }
        if let reason = log.noRunsReason { throw SimulateExit.badInput("\(path): \(reason)") }
        return log
    }

    /// A log's name in the Markdown and the JSON: relative to the current folder when inside it,
    /// else `<outside>/` and its file name (`ReportPaths.display`), so that no path of this machine
    /// reaches a document meant to be pasted. Stderr names the log as it was given.
    static func shown(_ path: String) -> String {
        ReportPaths.display(URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    /// `log` named as `shown(_:)` names its path.
    static func shown(_ log: LogFileTimeline) -> LogFileTimeline {
        var renamed = log
        renamed.name = shown(log.name)
        return renamed
    }

    /// One stderr line per diagnostic and per partial run: `simulate: FILE:LINE: message`.
    /// Partial runs named one by one on stderr; the rest are counted (the Markdown's notes list each).
    static let partialRunsWarned = 5

    static func warn(_ log: LogFileTimeline) {
        var lines = log.diagnostics.map { d in "\(log.name)\(d.line.map { ":\($0)" } ?? ""): \(d.message)" }
        let partial = log.runs.filter { $0.status == .partial }
        for run in partial.prefix(partialRunsWarned) {
            lines.append("\(log.name):\(run.firstLine): run \(run.index) is partial: \(run.statusReason ?? "?")")
        }
        if partial.count > partialRunsWarned {
            lines.append(
                "\(log.name): \(partial.count - partialRunsWarned) more partial runs (the timeline's notes say why, run by run)"
            )
        }
        // One write: a log of 20,000 partial runs once made 20,000 system calls here.
        FileHandle.standardError.write(Data(lines.map { "simulate: \($0)\n" }.joined().utf8))
    }

    static func write(_ data: Data) throws {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
