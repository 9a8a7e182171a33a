import Model

/// Finds the Meltano processes in a log, one line at a time, and splits each into phases.
///
/// A process begins at `Environment '...' is active` (every `meltano run` prints it first) and
/// ends at `Block run completed.`. It also ends, as a *partial* run, when the next process
/// begins, when the task runner prints its next command or stage line (`meltano run ...`,
/// `Exit code 0 from Inline stage`), or at the end of the file. A structlog line outside any
/// process opens one whose start is unknown (a log cut at the front, or `meltano el` without an
/// environment), also partial. A task runner's echo of `meltano run ...` just before a process is
/// kept as that process's command.
///
/// Lines from another process (a different `run_id=` on plugin lines) mark both processes as
/// interleaved: their phases are then unknown rather than mixed.
///
/// Memory stays flat: only the open process's boundary lines and each finished `RunTimeline`
/// are kept, up to `LogLimits`; runs past `runsKept` are counted by status.
public struct RunSplitter: Sendable {
    private var open: RunBuilder?
    private var finished: [RunTimeline] = []
    private let limits: LogLimits
    /// Runs ended past `limits.runsKept`, by status, and the line the first of them began at.
    private var notKept = RunStatusCounts()
    private var notKeptCount = 0
    private var firstNotKept: (index: Int, line: Int)?
    /// run_id → index in `finished` of processes cut short by the start of the next one: only
    /// these can turn out to have been interleaved with it.
    private var interruptedRunIDs: [String: Int] = [:]
    /// After `Block run completed.` and before the task runner's next line or the next process.
    private var afterBlockOf: Int?
    private var pendingCommand: (String, RunKind)?
    /// Meltano lines before the next `Environment '...' is active` (start-up output such as
    /// alembic's at debug level): the first of them, and how many.
    private var preamble: (LineMark, Int)?
    /// The release named by `Meltano X.Y.Z, Python ...` since the last process began.
    private var pendingRelease: String?
    private var lastTimestamp: (Timestamp, Int)?
    private var lastLineNumber = 0
    private var diagnosticLog = DiagnosticLog()
    private var interner = TextInterner()

    public init(limits: LogLimits = .standard) { self.limits = limits }

    /// File-level findings so far (bad bytes, a clock going backwards, stray lines, runs not kept).
    public var diagnostics: [LogDiagnostic] {
        guard let (index, line) = firstNotKept else { return diagnosticLog.all }
        let count = notKeptCount
        let statuses = RunStatus.allCases.compactMap { s in notKept[s] > 0 ? "\(notKept[s]) \(s)" : nil }
        return diagnosticLog.all + [
            LogDiagnostic(
                line: line,
                "\(count) run\(count == 1 ? "" : "s") from run \(index) on (\(statuses.joined(separator: ", "))) "
                    + "are counted, not listed or paired: at most \(limits.runsKept) runs are kept")
        ]
    }

    /// Every run ended so far, kept or not.
    public var runCount: Int { finished.count + notKeptCount }

    /// Feeds the next structlog line (lines must come in file order; plain lines come through
    /// `consumePlain`).
    public mutating func consume(_ line: LogLine) {
        precondition(line.isStructured, "plain lines are read as bytes: consumePlain(_:number:)")
        lastLineNumber = line.number
        noteOddities(
            line: line.number, invalidUTF8: line.hadInvalidUTF8, impossibleTimestamp: line.hadImpossibleTimestamp)
        if let time = line.timestamp {
            if let (previous, previousLine) = lastTimestamp, time < previous {
                let back = previous.seconds(to: time)
                diagnosticLog.add(
                    .clockBackwards, line: line.number,
                    "the clock goes backwards: \(time) is \(secondsText(-back)) s before line \(previousLine)'s \(previous)"
                )
                open?.clockWentBackwards(at: line.number)
            }
            lastTimestamp = (time, line.number)
        }
        consumeStructured(line)
    }

    /// Feeds the next plain line (a task runner's, a shell's, a traceback's), as the bytes the
    /// parser left (ANSI codes and a trailing CR removed). Most lines of some logs are plain, so
    /// one becomes a `String` only when it is kept: a command echo, a failure, a reason.
    public mutating func consumePlain(_ line: UnsafeBufferPointer<UInt8>, number: Int) {
        lastLineNumber = number
        if line.isEmpty {
            open?.lastLine = number  // all an empty line can be: the open process's last line so far
            return
        }
        noteOddities(
            line: number, invalidUTF8: !UTF8Validation.isValid(line),
            impossibleTimestamp: Timestamp.namesImpossibleMoment(line))
        switch TaskRunnerLine(line) {
        case .command(let text, let kind):
            close(
                reason:
                    "the task runner started \(quoted(text)) at line \(number) before `Block run completed.`")
            pendingCommand = (text, kind)
            afterBlockOf = nil
            preamble = nil
        case .stage:
            close(
                reason:
                    "the task runner's line \(number) (\(quoted(UTF8Validation.string(line)))) came before `Block run completed.`"
            )
            pendingCommand = nil
            afterBlockOf = nil
            preamble = nil
        case .none:
            open?.consumePlain(line, number: number)
        }
    }

    private mutating func noteOddities(line: Int, invalidUTF8: Bool, impossibleTimestamp: Bool) {
        if invalidUTF8 {
            diagnosticLog.add(.invalidUTF8, line: line, "bytes that are not UTF-8, shown as U+FFFD")
        }
        if impossibleTimestamp {
            diagnosticLog.add(
                .impossibleTimestamp, line: line,
                "its timestamp names a moment that does not exist (a day, a leap second or a year past 9999); "
                    + "the line is read without a time, so the run it belongs to may read as cut short")
        }
    }

    /// Ends the file: an open process becomes a partial run. Returns every run, in order.
    public mutating func finish() -> [RunTimeline] {
        let last = lastLineNumber  // a local: the reason is formatted inside `close`, which mutates self
        close(reason: "the file ends at line \(last) before `Block run completed.`")
        return finished
    }

    private mutating func consumeStructured(_ line: LogLine) {
        if line.plugin == nil, let release = MeltanoMessage.release(in: line.event) { pendingRelease = release }
        let message = MeltanoMessage(line)
        if case .environmentActive(let name) = message {
            let number = line.number  // the reason's closure captures this, not the whole line
            close(reason: "a new process began at line \(number) before `Block run completed.`", interrupted: true)
            start(line, environment: name)
            if let (first, count) = preamble {
                open!.notes.append(
                    LogDiagnostic(
                        line: first.line,
                        "\(count) Meltano line\(count == 1 ? "" : "s") before `Environment '...' is active`: "
                            + "the process began before its `start` phase, which counts from the Environment line"))
            }
            preamble = nil
            open!.consume(line, message)
            return
        }
        if open == nil {
            if line.plugin == nil && !message.showsAProcess {
                // Start-up output of a process yet to print its Environment line, or a finished
                // process's last words (Meltano 4's `Run completed`): part of no phase.
                if afterBlockOf == nil { preamble = (preamble?.0 ?? LineMark(line), (preamble?.1 ?? 0) + 1) }
                return
            }
            if let blockLine = afterBlockOf {
                diagnosticLog.add(
                    .linesAfterBlock, line: line.number,
                    "a Meltano line after `Block run completed.` (line \(blockLine)) and before the next process belongs to no run"
                )
                return
            }
            start(line, environment: nil)
            open!.notes.append(
                LogDiagnostic(
                    line: line.number, "no `Environment '...' is active` line: the process's start is not in the log"))
        }
        if line.plugin != nil, let id = line.fields["run_id"],
            open!.runID.map({ $0 != id }) ?? (interruptedRunIDs[id] != nil)
        {
            // Another process's line: a different run_id, or an earlier process's before this one has its own.
            interleave(line, foreignRunID: id)
            return
        }
        open!.consume(line, message)
        if open!.finished {
            let blockLine = line.number
            close(reason: nil)
            afterBlockOf = blockLine
        }
    }

    private mutating func start(_ line: LogLine, environment: String?) {
        open = RunBuilder(first: line, environment: environment, command: pendingCommand, limits: limits)
        open!.release = pendingRelease
        pendingCommand = nil
        pendingRelease = nil
        afterBlockOf = nil
    }

    /// Ends the open process; `reason` is nil when it printed `Block run completed.`.
    /// The reason is formatted only for a run that is kept.
    private mutating func close(reason: @autoclosure () -> String?, interrupted: Bool = false) {
        guard let builder = open.take() else { return }  // moved out, not copied
        preamble = nil
        let index = runCount + 1
        guard finished.count < limits.runsKept else {
            notKept[builder.status] += 1
            notKeptCount += 1
            if firstNotKept == nil { firstNotKept = (index, builder.firstLine) }
            return
        }
        let run = interner.intern(builder.timeline(index: index, endReason: reason()))
        if interrupted, let id = run.runID { interruptedRunIDs[id] = finished.count }
        finished.append(run)
    }

    /// A plugin line whose `run_id` is not the open process's: the open process and any finished
    /// one with either run_id are interleaved; their phases become unknown.
    private mutating func interleave(_ line: LogLine, foreignRunID: String) {
        guard open!.interleaving == nil else { return }
        let what = "line \(line.number) carries run_id \(quoted(foreignRunID))"
        let (openLine, openRunID) = (open!.firstLine, open!.runID)  // locals: the message is formatted in `add`
        diagnosticLog.add(
            .interleaved, line: line.number,
            "two processes are interleaved: \(what), not the run_id of the process begun at line \(openLine)"
                + (openRunID.map { " (\(quoted($0)))" } ?? ""))
        open!.interleaving = what
        for id in [foreignRunID, open!.runID].compactMap({ $0 }) {
            guard let other = interruptedRunIDs[id] else { continue }
            // That process was closed as partial when this one began; it was still running.
            var run = finished[other]
            let reason = "interleaved with another process (\(what))"
            run.phases = run.phases.map { PhaseDuration(phase: $0.phase, microseconds: nil, reason: reason) }
            run.totalMicroseconds = nil
            run.totalReason = reason
            if run.status != .failed {
                run.status = .partial
                run.statusReason = "interleaved with the process begun at line \(open!.firstLine) (\(what))"
            }
            finished[other] = run
        }
    }
}

func shorten(_ text: String, _ limit: Int = 80) -> String {
    // Characters are never more than bytes; a longer text is read only as far as the limit (its
    // `count` would step over every character of it).
    if text.utf8.count <= limit { return text }
    guard let end = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex), end < text.endIndex
    else { return text }
    return String(text.prefix(limit - 3)) + "..."
}

/// Text read from a log, shortened, as a code span that nothing in it can leave (reasons and notes
/// are Markdown: the timeline prints them as they are).
func quoted(_ logText: String) -> String {
    Markdown.escape(shorten(logText), .codeSpan)
}

func secondsText(_ seconds: Double) -> String {
    let rounded = (seconds * 1000).rounded() / 1000
    return String(rounded)
}

/// Shares the storage of texts that repeat from run to run (`Block run completed`, job and plugin
/// names), so a log of tens of thousands of runs keeps one copy of each.
struct TextInterner: Sendable {
    private var seen: [String: String] = [:]

    mutating func intern(_ text: String) -> String {
        if text.utf8.count <= 15 { return text }  // stored inline anyway
        // Only ASCII: hashing other text normalizes it first, and names that repeat are ASCII.
        var bytes = text
        guard bytes.withUTF8({ ByteWord.isASCII($0) }) else { return text }
        if let known = seen[text] { return known }
        if seen.count < 4096 { seen[text] = text }
        return text
    }

    mutating func intern(_ text: String?) -> String? { text.map { intern($0) } }

    mutating func intern(_ mark: LineMark) -> LineMark {
        var mark = mark
        mark.text = intern(mark.text)
        return mark
    }

    mutating func intern(_ run: RunTimeline) -> RunTimeline {
        var run = run
        run.jobName = intern(run.jobName)
        run.command = intern(run.command)
        run.environment = intern(run.environment)
        run.tap = intern(run.tap)
        run.target = intern(run.target)
        run.mappers = run.mappers.map { intern($0) }
        run.boundaries = run.boundaries.mapValues { intern($0) }
        run.stateBackendLines = run.stateBackendLines.map { intern($0) }
        run.targetCounts = run.targetCounts.map { counts in
            var counts = counts
            counts.reader = intern(counts.reader)
            counts.plugin = intern(counts.plugin)
            return counts
        }
        run.readers = run.readers.map { reader in
            var reader = reader
            reader.reader = intern(reader.reader)
            reader.plugin = intern(reader.plugin)
            return reader
        }
        return run
    }
}

/// A count per run status, in an array: counting a run past `LogLimits.runsKept` is then an index,
/// not a hash, on a log of a million runs.
struct RunStatusCounts: Sendable {
    private var counts = [Int](repeating: 0, count: RunStatus.allCases.count)

    subscript(status: RunStatus) -> Int {
        get { counts[Self.index(status)] }
        set { counts[Self.index(status)] = newValue }
    }

    private static func index(_ status: RunStatus) -> Int {
        switch status {
        case .completed: 0
        case .failed: 1
        case .partial: 2
        }
    }
}
