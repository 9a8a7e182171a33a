import Foundation
import Model

/// What `RunSplitter` has gathered about the process it is reading; `timeline` turns it into a
/// `RunTimeline` once the process has ended.
///
/// A class: a log can hold a process per line, and a struct of this size was copied several times
/// a line. Only the one `RunSplitter` reading the process holds it, so it is never shared.
final class RunBuilder: @unchecked Sendable {
    var kind: RunKind
    var command: String?
    var environment: String?
    var jobName: String? { didSet { jobPlugins = Self.plugins(ofJob: jobName, environment: environment) } }
    /// The tap and target the job name gives (see `plugins(ofJob:environment:)`), kept rather than
    /// recomputed on every line.
    private(set) var jobPlugins: (tap: String, target: String)?
    var runID: String?
    let firstLine: Int
    var lastLine: Int
    /// The process's first line when it is `Environment '...' is active`; nil when the process's
    /// start is not in the log.
    var processStart: LineMark?
    /// The process's last structlog line: where it ended, so far (a mark, not the whole line: a log
    /// can hold a process per line, and a `LogLine` costs a copy of its level, source and fields).
    var lastStructured: LineMark
    /// What a process of more than its Environment line gathers (`RunBuilder+Details.swift`).
    var details: RunDetails?
    /// The release the process named before its Environment line, if it did.
    var release: String?
    /// Set by `Block run completed.` (or `Extract & load complete!`): the process has ended.
    var finished = false

    let limits: LogLimits

    init(first line: borrowing LogLine, environment: String?, command: (String, RunKind)?, limits: LogLimits) {
        self.limits = limits
        kind = command?.1 ?? .run
        self.command = command?.0
        self.environment = environment
        firstLine = line.number
        lastLine = line.number
        lastStructured = LineMark(line)
        if environment != nil { processStart = LineMark(line) }
    }

    func consume(_ line: LogLine, _ message: MeltanoMessage) {
        lastLine = line.number
        lastStructured = LineMark(line)
        if let level = line.level, level == "error" || level == "critical" || level == "exception" {
            errorLineCount += 1
            if errorLines.count < 50 { errorLines.append(line.number) }
        }
        let role = line.plugin.flatMap { pluginLine(line, $0) }
        switch message {
        case .installSummary: installEnd = LineMark(line)
        case .runningJob(let name, let id):
            if runningJob == nil { runningJob = LineMark(line) }
            if jobName == nil { jobName = name }
            if runID == nil { runID = id }
        case .forceOption: if force == nil { force = LineMark(line) }
        case .stateBackend:
            stateBackendLineCount += 1
            if stateBackendLines.count < limits.linesKeptPerKind { stateBackendLines.append(LineMark(line)) }
        case .readerDone(var counts):
            counts.plugin = line.plugin ?? counts.plugin
            counts.role = role ?? counts.role
            readerLineCount += 1
            if readers.count < limits.linesKeptPerKind { readers.append(counts) }
            lastReader = counts
            if counts.role == .target { lastTargetReader = counts }
            if counts.role != nil { everyReaderRoleless = false }
            if boundaries[.firstReaderDone] == nil { boundaries[.firstReaderDone] = LineMark(line) }
            if counts.role == .target && boundaries[.targetReaderDone] == nil {
                boundaries[.targetReaderDone] = LineMark(line)
            }
        case .incrementalState:
            // The last one wins: Meltano prints one each time the target emits a STATE message.
            boundaries[.targetLastLine] = lastTargetLine.map {
                LineMark(line: $0.number, timestamp: $0.timestamp, text: $0.event)
            }
            if lastTargetLine == nil && !notes.contains(where: { $0.message == Self.stateBeforeTarget }) {
                notes.append(
                    LogDiagnostic(line: line.number, Self.stateBeforeTarget))
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
    func consumePlain(_ line: UnsafeBufferPointer<UInt8>, number: Int) {
        lastLine = number
        if failure == nil, MeltanoMessage.isFailure(line) {
            failure = LineMark(line: number, timestamp: nil, text: UTF8Validation.string(line))
        }
    }

    /// Records what a plugin's line says about the run; returns the plugin's role.
    private func pluginLine(_ line: LogLine, _ plugin: String) -> PluginRole? {
        if jobName == nil { jobName = line.fields["job_name"] ?? line.fields["state_id"] }
        if runID == nil { runID = line.fields["run_id"] }
        let role = PluginRole(fields: line.fields) ?? roleFromJobName(plugin)
        if let type = line.fields["cmd_type"], type == "extractor" || type == "loader" { kind = .el }
        switch role {
        case .tap?: if tap == nil { tap = plugin }
        case .mapper?:
            // A linear search of at most `mappersKept` names: a log of 300,000 mappers stays linear.
            if !mappers.contains(plugin) {
                if mappers.count < limits.mappersKept { mappers.append(plugin) } else { mapperLinesNotListed += 1 }
            }
        case .target?: if target == nil { target = plugin }
        case nil: break
        }
        if (role == .mapper || role == .target) && boundaries[.firstConsumerLine] == nil {
            boundaries[.firstConsumerLine] = LineMark(line)
        }
        if role == .target || (role == nil && plugin == target) {
            lastTargetLine = (line.number, line.timestamp, line.event)
        }
        return role ?? (plugin == target ? .target : nil)
    }
}

extension RunBuilder {
    static let stateBeforeTarget = "`Incremental state has been updated` before any line from the target"

    /// Records a line where the clock goes backwards.
    func clockWentBackwards(at line: Int) {
        if backwardsAt.count < limits.backwardsJumpsKept {
            backwardsAt.append(line)
        } else {
            lastBackwardsBeyondKept = line
        }
    }

    /// The target's counts: its own last `Reader` line; when no `Reader` line names a role, the
    /// chain's last reader.
    var targetCounts: ReaderCounts? { lastTargetReader ?? (everyReaderRoleless ? lastReader : nil) }

    /// The tap and target named by a job, `ENV:TAP-to-TARGET[:SUFFIX]` (Meltano's state ID). Cut
    /// on the UTF-8 bytes: the separators are ASCII, and an ASCII byte is never part of another
    /// character's bytes (a job name of hundreds of non-ASCII characters is not broken into graphemes).
    static func plugins(ofJob jobName: String?, environment: String?) -> (tap: String, target: String)? {
        guard var jobName else { return nil }
        var prefix = environment.map { $0 + ":" }  // `ENV:`, when the environment is known
        return jobName.withUTF8 { job in
            var start = 0
            let prefixLength =
                prefix?.withUTF8 { p in
                    job.count >= p.count && memcmp(job.baseAddress!, p.baseAddress!, p.count) == 0 ? p.count : nil
                } ?? nil
            if let prefixLength {
                start = prefixLength
            } else if let colon = ByteSearch.firstIndex(of: 0x3A, in: job, from: 0, to: job.count) {
                start = colon + 1
            }
            let end = ByteSearch.firstIndex(of: 0x3A, in: job, from: start, to: job.count) ?? job.count
            let part = UnsafeBufferPointer(rebasing: job[start..<end])
            let separator: StaticString = "-to-"
            guard let at = separator.withUTF8Buffer({ ByteSearch.find($0, in: part) }) else { return nil }
            return (
                String(decoding: UnsafeBufferPointer(rebasing: part[..<at]), as: UTF8.self),
                String(decoding: UnsafeBufferPointer(rebasing: part[(at + 4)...]), as: UTF8.self)
            )
        }
    }

    /// A plugin's role when its lines carry no `consumer=`/`producer=` keys (Meltano 4 hides
    /// them): from the job name; any other plugin of an extract-load block is a mapper.
    func roleFromJobName(_ plugin: String) -> PluginRole? {
        guard let (tap, target) = jobPlugins else { return nil }
        return plugin == tap ? .tap : plugin == target ? .target : .mapper
    }
}

extension LineMark {
    init(_ line: borrowing LogLine) { self.init(line: line.number, timestamp: line.timestamp, text: line.event) }
}
