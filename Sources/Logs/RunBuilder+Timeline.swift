import Foundation
import Model

extension RunBuilder {
    /// The finished `RunTimeline`. `endReason` says how the process ended when it did not print
    /// `Block run completed.` (nil when it did).
    func timeline(index: Int, endReason: @autoclosure () -> String?) -> RunTimeline {
        var marks = boundaries
        marks[.processStart] = processStart
        marks[.blockStart] = force ?? runningJob ?? installEnd
        let (status, statusReason) = self.status(endReason: endReason())
        var run = RunTimeline(
            index: index, kind: kind, jobName: jobName, command: command, environment: environment, runID: runID,
            firstLine: firstLine, lastLine: boundaries[.blockEnd]?.line ?? lastLine,
            startedAt: processStart?.timestamp, endedAt: lastStructured.timestamp,
            boundaries: marks, phases: [], totalMicroseconds: nil, totalReason: nil,
            tap: tap ?? tapFromJobName, mappers: mappers, target: target, readers: readers,
            readerLineCount: readerLineCount, targetCounts: targetCounts,
            stateBackendLines: stateBackendLines, stateBackendLineCount: stateBackendLineCount,
            errorLines: errorLines, errorLineCount: errorLineCount,
            status: status, statusReason: statusReason, notes: notes + limitNotes, release: release)
        run.phases = LogPhase.allCases.map { phase in
            if let reason = unsplittable { return PhaseDuration(phase: phase, microseconds: nil, reason: reason) }
            return span(
                from: marks[phase.from], to: marks[phase.to],
                missingFrom: phase.from, missingTo: phase.to, phase: phase)
        }
        let total = span(
            from: processStart, to: lastStructured, missingFrom: .processStart, missingTo: nil, phase: nil)
        run.totalMicroseconds = total.microseconds
        run.totalReason = total.reason
        return run
    }

    /// What was counted rather than kept, past `LogLimits`.
    private var limitNotes: [LogDiagnostic] {
        var notes: [LogDiagnostic] = []
        if readerLineCount > readers.count {
            notes.append(
                LogDiagnostic(
                    line: nil,
                    "\(readerLineCount) `Reader ... completed` lines: the first \(readers.count) are listed "
                        + "(the target's counts come from its last one)"))
        }
        if stateBackendLineCount > stateBackendLines.count {
            notes.append(
                LogDiagnostic(
                    line: nil,
                    "\(stateBackendLineCount) `Using systemdb state backend` lines: "
                        + "the first \(stateBackendLines.count) are listed"))
        }
        if mapperLinesNotListed > 0 {
            notes.append(
                LogDiagnostic(
                    line: nil,
                    "more than \(limits.mappersKept) mappers: only the first \(limits.mappersKept) are listed"))
        }
        return notes
    }

    /// Why no phase can be measured at all, if so.
    private var unsplittable: String? {
        if kind == .el { return "a `meltano el` process has no blocks; phases are defined for `meltano run`" }
        if let interleaving { return "interleaved with another process (\(interleaving))" }
        return nil
    }

    /// From one boundary to the next, or why not: never a guess.
    private func span(
        from: LineMark?, to: LineMark?, missingFrom: LogBoundary, missingTo: LogBoundary?,
        phase: LogPhase?
    ) -> PhaseDuration {
        let name = phase ?? .start
        func unknown(_ reason: String) -> PhaseDuration {
            PhaseDuration(phase: name, microseconds: nil, reason: reason)
        }
        guard let from else { return unknown(missingFrom.missing) }
        guard let to else { return unknown(missingTo?.missing ?? "no last line") }
        guard let start = from.timestamp else { return unknown("line \(from.line) has no timestamp") }
        guard let end = to.timestamp else { return unknown("line \(to.line) has no timestamp") }
        if to.line < from.line {
            return unknown("its end (line \(to.line)) comes before its start (line \(from.line))")
        }
        if let jump = backwardsAt.first(where: { $0 > from.line && $0 <= to.line }) {
            return unknown("the clock goes backwards at line \(jump), between lines \(from.line) and \(to.line)")
        }
        if let last = lastBackwardsBeyondKept, let lastKept = backwardsAt.last, to.line > lastKept, from.line < last {
            return unknown(
                "the clock goes backwards more than \(limits.backwardsJumpsKept) times in the run, "
                    + "the last at line \(last): phases after line \(lastKept) are not checked one by one")
        }
        if end < start { return unknown("line \(to.line) is timestamped before line \(from.line)") }
        return PhaseDuration(phase: name, microseconds: end.microseconds - start.microseconds, reason: nil)
    }

    /// Why a run has the status it has, before any text is formatted: a run past
    /// `LogLimits.runsKept` needs only its status, a kept run also its reason.
    private enum StatusCause {
        case failureLine(LineMark)
        case blockFailed(LineMark)
        case interleaved(String)
        case ended(String?)
        case startMissing, completed
    }

    private var statusCause: StatusCause {
        if let failure { return .failureLine(failure) }
        if kind == .el {
            if extractLoadComplete { return processStart == nil ? .startMissing : .completed }
            return .ended("no `Extract & load complete!` line")
        }
        if let end = boundaries[.blockEnd] {
            if blockSuccess == false { return .blockFailed(end) }
            if let interleaving { return .interleaved(interleaving) }
            return processStart == nil ? .startMissing : .completed
        }
        if let interleaving { return .interleaved(interleaving) }
        return .ended(nil)
    }

    /// The status alone, with no text formatted (runs past `LogLimits.runsKept` are counted by it).
    var status: RunStatus {
        switch statusCause {
        case .failureLine, .blockFailed: .failed
        case .interleaved, .startMissing, .ended: .partial
        case .completed: .completed
        }
    }

    private func status(endReason: @autoclosure () -> String?) -> (RunStatus, String?) {
        switch statusCause {
        case .failureLine(let failure): return (.failed, "line \(failure.line): \(quoted(failure.text))")
        case .blockFailed(let end):
            return (.failed, "line \(end.line): block failed" + (blockError.map { " (err=\(quoted($0)))" } ?? ""))
        case .interleaved(let what): return (.partial, "interleaved with another process (\(what))")
        case .startMissing: return (.partial, startMissing)
        case .ended(let missing): return (.partial, endReason() ?? missing ?? "no `Block run completed.` line")
        case .completed: return (.completed, nil)
        }
    }

    private var startMissing: String {
        "its first line (`Environment '...' is active`) is not in the log; it begins at line \(firstLine)"
    }

    /// The tap when its own lines are hidden: Meltano names the job `ENV:TAP-to-TARGET[:SUFFIX]`.
    private var tapFromJobName: String? {
        guard let jobPlugins, target == nil || target == jobPlugins.target else { return nil }
        return jobPlugins.tap
    }
}
