import Foundation
import Model

/// What `simulate timeline --json` writes (schema `simulate-timeline/1`, described in docs/logs.md).
///
/// Every key of a run is always present; an unknown value is `null`, never left out, so a reader
/// can tell "unknown" from "not written by this version".
public struct TimelineDocument: Codable, Equatable, Sendable {
    public static let schemaName = "simulate-timeline/1"

    public var schema: String
    /// The phase names in pipeline order (JSON objects have no order of their own).
    public var phaseOrder: [String]
    public var logs: [Log]

    public struct Log: Codable, Equatable, Sendable {
        public var file: String
        public var lines: Int
        public var bytes: Int
        /// Set when the file has no run: why (empty, binary, no Meltano line).
        public var noRunsReason: String?
        public var runs: [Run]
        public var diagnostics: [Diagnostic]
    }

    public struct Run: Codable, Equatable, Sendable {
        public var index: Int
        /// `run` or `el`.
        public var kind: String
        /// The pairing key: `job_name=`, else the echoed command.
        public var job: String?
        public var command: String?
        public var environment: String?
        public var runId: String?
        public var startedAt: String?
        public var endedAt: String?
        public var firstLine: Int
        public var lastLine: Int
        /// Phase name → seconds (microsecond precision), or null when unknown.
        public var phases: [String: Double?]
        /// Phase name → why it is unknown; only unknown phases appear.
        public var phaseReasons: [String: String]
        public var totalSeconds: Double?
        public var totalReason: String?
        public var tap: String?
        public var mappers: [String]
        public var target: String?
        /// The target's records and STATE messages (its own `Reader` line).
        public var records: Int?
        public var stateMessages: Int?
        public var readers: [ReaderCounts]
        public var stateBackendLines: [Mark]
        /// Boundary name → the line it was found at, or null when missing.
        public var boundaries: [String: Mark?]
        /// `completed`, `failed` or `partial`.
        public var status: String
        public var statusReason: String?
        public var errorLines: [Int]
        public var errorLineCount: Int
        public var notes: [Diagnostic]

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(kind, forKey: .kind)
            try c.encode(job, forKey: .job)
            try c.encode(command, forKey: .command)
            try c.encode(environment, forKey: .environment)
            try c.encode(runId, forKey: .runId)
            try c.encode(startedAt, forKey: .startedAt)
            try c.encode(endedAt, forKey: .endedAt)
            try c.encode(firstLine, forKey: .firstLine)
            try c.encode(lastLine, forKey: .lastLine)
            try c.encode(phases, forKey: .phases)
            try c.encode(phaseReasons, forKey: .phaseReasons)
            try c.encode(totalSeconds, forKey: .totalSeconds)
            try c.encode(totalReason, forKey: .totalReason)
            try c.encode(tap, forKey: .tap)
            try c.encode(mappers, forKey: .mappers)
            try c.encode(target, forKey: .target)
            try c.encode(records, forKey: .records)
            try c.encode(stateMessages, forKey: .stateMessages)
            try c.encode(readers, forKey: .readers)
            try c.encode(stateBackendLines, forKey: .stateBackendLines)
            try c.encode(boundaries, forKey: .boundaries)
            try c.encode(status, forKey: .status)
            try c.encode(statusReason, forKey: .statusReason)
            try c.encode(errorLines, forKey: .errorLines)
            try c.encode(errorLineCount, forKey: .errorLineCount)
            try c.encode(notes, forKey: .notes)
        }
    }

    public struct Mark: Codable, Equatable, Sendable {
        public var line: Int
        /// ISO 8601 UTC, or null when the line had no timestamp.
        public var at: String?
        public var text: String
    }

    public struct Diagnostic: Codable, Equatable, Sendable {
        public var line: Int?
        public var message: String
    }

    public init(logs: [LogFileTimeline]) {
        schema = Self.schemaName
        phaseOrder = LogPhase.allCases.map(\.rawValue)
        self.logs = logs.map { log in
            Log(
                file: log.name, lines: log.lineCount, bytes: log.byteCount, noRunsReason: log.noRunsReason,
                runs: log.runs.map(Self.run), diagnostics: log.diagnostics.map(Self.diagnostic))
        }
    }

    /// Pretty-printed, keys sorted, snake_case.
    public func encoded() throws -> Data { try Self.encoder().encode(self) }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// The bytes of `TimelineDocument(logs:).encoded()`, written a run at a time, so the JSON of
    /// thousands of runs never sits in memory whole (with its encoder's tree, several times its size).
    public static func write(logs: [LogFileTimeline], to output: (Data) throws -> Void) throws {
        // Runs are written into the writer's own buffer, handed on a megabyte at a time (a copy
        // per run into a second buffer cost as much as writing the run).
        var writer = TimelineJSONWriter(depth: 4)  // runs sit 8 spaces deep
        func flush(atLeast: Int) throws {
            guard writer.bytes.count >= atLeast, !writer.bytes.isEmpty else { return }
            try output(Data(writer.bytes))
            writer.removeAll()
        }
        func write(_ bytes: some Collection<UInt8>) throws {
            writer.append(bytes: bytes)
            try flush(atLeast: 1 << 20)
        }
        var skeleton = TimelineDocument(logs: [])
        skeleton.logs = logs.map { log in
            Log(
                file: log.name, lines: log.lineCount, bytes: log.byteCount, noRunsReason: log.noRunsReason,
                runs: [], diagnostics: log.diagnostics.map(Self.diagnostic))
        }
        // A log's runs are its last key; a newline cannot occur inside a JSON string, so this text
        // is only ever the empty `runs` array of a log (object keys at 6 spaces, runs at 8).
        let emptyRuns = Data("\"runs\" : [\n\n      ]".utf8)
        var rest = try skeleton.encoded()[...]
        for log in logs {
            guard let marker = rest.firstRange(of: emptyRuns) else { break }
            guard !log.runs.isEmpty else {  // its empty array stays as encoded
                try write(rest[..<marker.upperBound])
                rest = rest[marker.upperBound...]
                continue
            }
            try write(rest[..<marker.lowerBound])
            try write("\"runs\" : [\n".utf8)
            for (i, run) in log.runs.enumerated() {
                try writer.run(run)
                if i < log.runs.count - 1 { writer.append(",\n") }
                try flush(atLeast: 1 << 20)
            }
            try write("\n      ]".utf8)
            rest = rest[marker.upperBound...]
        }
        try write(rest)
        try flush(atLeast: 0)
    }

    public static func decode(_ data: Data) throws -> TimelineDocument {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TimelineDocument.self, from: data)
    }

    private static func run(_ r: RunTimeline) -> Run {
        var boundaries: [String: Mark?] = [:]
        for b in LogBoundary.allCases { boundaries[b.rawValue] = .some(r.boundaries[b].map(mark)) }
        var phases: [String: Double?] = [:]
        for p in r.phases { phases[p.phase.rawValue] = .some(p.seconds) }
        return Run(
            index: r.index, kind: r.kind.rawValue, job: r.pairingKey, command: r.command, environment: r.environment,
            runId: r.runID, startedAt: r.startedAt?.description, endedAt: r.endedAt?.description,
            firstLine: r.firstLine, lastLine: r.lastLine, phases: phases,
            phaseReasons: Dictionary(
                uniqueKeysWithValues: r.phases.compactMap { p in p.reason.map { (p.phase.rawValue, $0) } }),
            totalSeconds: r.totalSeconds, totalReason: r.totalReason, tap: r.tap, mappers: r.mappers, target: r.target,
            records: r.records, stateMessages: r.stateMessages,
            readers: r.readers,
            stateBackendLines: r.stateBackendLines.map(mark), boundaries: boundaries, status: r.status.rawValue,
            statusReason: r.statusReason, errorLines: r.errorLines, errorLineCount: r.errorLineCount,
            notes: r.notes.map(diagnostic))
    }

    private static func mark(_ m: LineMark) -> Mark { Mark(line: m.line, at: m.timestamp?.description, text: m.text) }
    private static func diagnostic(_ d: LogDiagnostic) -> Diagnostic { Diagnostic(line: d.line, message: d.message) }
}
