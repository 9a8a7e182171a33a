import Foundation
import FuzzDriver
import Logs

/// Any bytes as one log line, and as a whole log, must parse without a crash or a hang, and keep
/// the promises the timeline makes: timestamps read back as themselves, phases are never negative,
/// an unknown phase always says why, known phases add up to the wall time, and the JSON document
/// and the Markdown table can always be written.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var parser = StructlogLineParser()
    let line = bytes.withUnsafeBufferPointer { parser.parse($0, number: 1) }
    if line.format == .plain && (line.level != nil || line.timestamp != nil || !line.fields.isEmpty) {
        fatalError("a plain line with structlog parts: \(line)")
    }
    if let t = line.timestamp, Timestamp.parse(Array(t.description.utf8)) != t {
        fatalError("timestamp \(t) does not read back as itself")
    }

    let log = LogFileTimeline.parse(bytes, name: "fuzz.log")
    for run in log.runs {
        if run.firstLine > run.lastLine || run.lastLine > log.lineCount { fatalError("run lines out of range: \(run)") }
        for phase in run.phases {
            if let m = phase.microseconds, m < 0 { fatalError("negative phase: \(phase)") }
            if phase.microseconds == nil && (phase.reason ?? "").isEmpty {
                fatalError("unknown phase without a reason: \(phase)")
            }
        }
        let known = run.phases.compactMap(\.microseconds)
        if known.count == run.phases.count, let total = run.totalMicroseconds, known.reduce(0, +) != total {
            fatalError("phases \(known) do not add up to the total \(total)")
        }
        for (boundary, mark) in run.boundaries where mark.line < run.firstLine || mark.line > log.lineCount {
            fatalError("\(boundary) at line \(mark.line) outside the run")
        }
    }
    if (try? TimelineDocument(logs: [log]).encoded()) == nil { fatalError("the JSON document cannot be written") }
    _ = TimelineMarkdown.render(log)
    return 0
}

exit(runFuzzer(fuzzOne))
