import Foundation
import Model

/// Every Meltano process found in one log file, with what was odd about the file.
public struct LogFileTimeline: Sendable {
    /// The file as the caller named it.
    public var name: String
    /// The runs kept (at most `LogLimits.runsKept`), in order.
    public var runs: [RunTimeline]
    /// Every run found, also those past `LogLimits.runsKept` (a diagnostic counts them by status).
    public var runCount: Int
    public var lineCount: Int
    public var byteCount: Int
    /// Lines structlog wrote (console or JSON); the rest are plain.
    public var structuredLineCount: Int
    /// Offset of the NUL byte that marked the file as binary (it was then not read further).
    public var binaryAt: Int?
    /// Bad bytes, overlong lines, a clock going backwards, interleaved processes, stray lines.
    public var diagnostics: [LogDiagnostic]

    /// Why there are no runs, when there are none: the file is empty, binary, or holds no
    /// structlog line (a task runner's lines only, or another program's log).
    public var noRunsReason: String? {
        guard runCount == 0 else { return nil }
        if byteCount == 0 && binaryAt == nil { return "empty file: no Meltano process in it" }
        if let binaryAt { return "binary data (a NUL byte at offset \(binaryAt)), not a text log" }
        return
            "no Meltano log line among its \(lineCount) lines (only a task runner's or a shell's lines?), so no Meltano process"
    }

    /// Reads and splits a log file, streaming: a chunk and a line in memory at a time. The file is
    /// opened by `InputFile` (regular files only: a FIFO, a pipe or a device is refused, never waited on).
    /// - Throws: `LogReadError` when the file cannot be opened or read.
    public static func read(path: String, name: String? = nil, limits: LogLimits = .standard) throws
        -> LogFileTimeline
    {
        let display = name ?? path
        let file: InputFile
        switch InputFile.open(path) {
        case .success(let opened): file = opened
        case .failure(let failure): throw LogReadError(file: display, failure: failure)
        }
        let reader = LineReader { buffer in
            switch file.read(into: buffer) {
            case .success(let count): return count
            case .failure(let failure): throw LogReadError(file: display, failure: failure)
            }
        }
        return try split(reader, name: display, limits: limits)
    }

    /// Splits a log held in memory (tests, the fuzzer).
    public static func parse(_ bytes: [UInt8], name: String, limits: LogLimits = .standard) -> LogFileTimeline {
        var offset = 0
        let reader = LineReader(bufferBytes: bytes.count) { buffer in
            let n = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return n
        }
        // An in-memory source never throws.
        return (try? split(reader, name: name, limits: limits))!
    }

    private static func split(_ reader: LineReader, name: String, limits: LogLimits) throws -> LogFileTimeline {
        var parser = StructlogLineParser()
        var splitter = RunSplitter(limits: limits)
        var structured = 0
        var cutLines = DiagnosticLog()
        let summary = try reader.forEachLine { raw in
            if let length = raw.cutFrom {
                cutLines.add(
                    .overlongLines, line: raw.number,
                    "the line is \(length) bytes long; only its first and last \(LineReader.keptBytes / 1024) KiB were read"
                )
            }
            let number = raw.number
            if let line = parser.parse(raw.bytes, number: number, plain: { splitter.consumePlain($0, number: number) })
            {
                structured += 1
                splitter.consume(line)
            }
        }
        let runs = summary.binaryAt == nil ? splitter.finish() : []
        return LogFileTimeline(
            name: name, runs: runs, runCount: summary.binaryAt == nil ? splitter.runCount : 0, lineCount: summary.lines,
            byteCount: summary.bytes,
            structuredLineCount: structured, binaryAt: summary.binaryAt,
            diagnostics: (cutLines.all + splitter.diagnostics).sorted { ($0.line ?? .max) < ($1.line ?? .max) })
    }
}

/// A log file that could not be opened or read, or that is not a regular file.
public struct LogReadError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var failure: InputFile.Failure

    public init(file: String, failure: InputFile.Failure) {
        self.file = file
        self.failure = failure
    }

    /// `FILE: cannot be read (REASON)`, `FILE: is a FIFO, not a file`.
    public var description: String { "\(file): \(failure)" }
}
