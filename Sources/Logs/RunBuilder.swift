/// What `RunSplitter` has gathered about the process it is reading; `timeline` turns it into a
/// `RunTimeline` once the process has ended.
struct RunBuilder {
    var kind: RunKind
    var command: String?
    var environment: String?
    var jobName: String?
    var runID: String?
    let firstLine: Int
    var lastLine: Int
    /// The process's first line when it is `Environment '...' is active`; nil when the process's
    /// start is not in the log.
    var processStart: LineMark?
    var lastStructured: LogLine
    var installEnd: LineMark?
    var force: LineMark?
    var boundaries: [LogBoundary: LineMark] = [:]
    var lastTargetLine: LogLine?
    var tap: String?
    var mappers: [String] = []
    var target: String?
    var readers: [ReaderCounts] = []
    var stateBackendLines: [LineMark] = []
    var errorLines: [Int] = []
    var errorLineCount = 0
    var blockSuccess: Bool?
    var blockError: String?
    var extractLoadComplete = false
    var failure: LineMark?
    /// Lines where the clock went backwards, inside this process.
    var backwardsAt: [Int] = []
    var interleaving: String?
    var notes: [LogDiagnostic] = []
    /// Set by `Block run completed.` (or `Extract & load complete!`): the process has ended.
    var finished = false

    init(first line: LogLine, environment: String?, command: (String, RunKind)?) {
        kind = command?.1 ?? .run
        self.command = command?.0
        self.environment = environment
        firstLine = line.number
        lastLine = line.number
        lastStructured = line
        if environment != nil { processStart = LineMark(line) }
    }

    mutating func consume(_ line: LogLine, _ message: MeltanoMessage) {
        lastLine = line.number
        lastStructured = line
        if let level = line.level, level == "error" || level == "critical" || level == "exception" {
            errorLineCount += 1
            if errorLines.count < 50 { errorLines.append(line.number) }
        }
        if let plugin = line.plugin { pluginLine(line, plugin) }
        switch message {
        case .installSummary: installEnd = LineMark(line)
        case .forceOption: if force == nil { force = LineMark(line) }
        case .stateBackend: stateBackendLines.append(LineMark(line))
        case .readerDone(let counts):
            readers.append(counts)
            if boundaries[.firstReaderDone] == nil { boundaries[.firstReaderDone] = LineMark(line) }
            let isTarget = counts.role == .target || (counts.role == nil && counts.plugin != nil && counts.plugin == target)
            if isTarget && boundaries[.targetReaderDone] == nil { boundaries[.targetReaderDone] = LineMark(line) }
        case .incrementalState:
            // The last one wins: Meltano prints one each time the target emits a STATE message.
            boundaries[.targetLastLine] = lastTargetLine.map(LineMark.init)
            if lastTargetLine == nil {
                notes.append(LogDiagnostic(line: line.number, "`Incremental state has been updated` before any line from the target"))
            }
        case .blockCompleted(let success, let err):
            boundaries[.blockEnd] = LineMark(line)
            blockSuccess = success ?? (line.level == "error" ? false : nil)
            blockError = err
            finished = true
        case .extractLoadStarted: kind = .el
        case .extractLoadComplete:
            kind = .el
            extractLoadComplete = true
            finished = true
        case .failure: if failure == nil { failure = LineMark(line) }
        case .environmentActive, .other: break
        }
    }

    /// A plain line inside the process (a traceback, click's error message): only failures count.
    mutating func consumePlain(_ line: LogLine) {
        lastLine = line.number
        if failure == nil, MeltanoMessage.failure(in: line.event) != nil { failure = LineMark(line) }
    }

    private mutating func pluginLine(_ line: LogLine, _ plugin: String) {
        if jobName == nil { jobName = line.fields["job_name"] ?? line.fields["state_id"] }
        if runID == nil { runID = line.fields["run_id"] }
        let role = PluginRole(fields: line.fields)
        if let type = line.fields["cmd_type"], type == "extractor" || type == "loader" { kind = .el }
        switch role {
        case .tap?: if tap == nil { tap = plugin }
        case .mapper?: if !mappers.contains(plugin) { mappers.append(plugin) }
        case .target?: if target == nil { target = plugin }
        case nil: break
        }
        if (role == .mapper || role == .target) && boundaries[.firstConsumerLine] == nil {
            boundaries[.firstConsumerLine] = LineMark(line)
        }
        if role == .target || (role == nil && plugin == target) { lastTargetLine = line }
    }
}

extension LineMark {
    init(_ line: LogLine) { self.init(line: line.number, timestamp: line.timestamp, text: line.event) }
}
