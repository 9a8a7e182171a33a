import Foundation
import Logs
import Model
import Testing

/// The same Matatika log written as `--log-format json` and with ANSI colours gives the same runs.
@Suite struct LogFormatTests {
    /// The log rewritten line by line: structlog lines through `rewrite`, plain lines unchanged.
    func rewritten(_ name: String, _ rewrite: (LogLine) throws -> String) throws -> [String] {
        var parser = StructlogLineParser()
        return try LogFixtures.matatikaLines(name).enumerated().map { i, text in
            let line = parser.parse(text, number: i + 1)
            return line.isStructured ? try rewrite(line) : text
        }
    }

    /// What structlog's JSONRenderer prints: Python booleans as JSON booleans, `None` as null.
    static func json(_ line: LogLine) throws -> String {
        var object: [String: Any] = ["event": line.event, "level": line.level ?? "info"]
        if let t = line.timestamp { object["timestamp"] = t.description }
        for (key, value) in line.fields {
            switch value {
            case "True": object[key] = true
            case "False": object[key] = false
            case "None": object[key] = NSNull()
            default: object[key] = value
            }
        }
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func coloured(_ line: LogLine) -> String {
        let keys = line.fields.map { "\u{1B}[36m\($0.key)\u{1B}[0m=\u{1B}[35m\($0.value)\u{1B}[0m" }.joined(
            separator: " ")
        return
            "\u{1B}[2m\(line.timestamp!)\u{1B}[0m [\u{1B}[32m\u{1B}[1m\(line.level!.padding(toLength: 9, withPad: " ", startingAt: 0))\u{1B}[0m] "
            + "\u{1B}[1m\(line.event.padding(toLength: max(30, line.event.count), withPad: " ", startingAt: 0))\u{1B}[0m"
            + (keys.isEmpty ? "" : " " + keys)
    }

    func expectSameRuns(_ a: LogFileTimeline, _ b: LogFileTimeline) {
        #expect(a.runs.count == b.runs.count)
        for (x, y) in zip(a.runs, b.runs) {
            #expect(x.phases == y.phases)
            #expect(
                LogBoundary.allCases.map { x.boundaries[$0]?.line }
                    == LogBoundary.allCases.map { y.boundaries[$0]?.line })
            #expect(
                x.jobName == y.jobName && x.command == y.command && x.tap == y.tap && x.mappers == y.mappers
                    && x.target == y.target)
            #expect(
                x.readers.map(\.records) == y.readers.map(\.records)
                    && x.stateBackendLines.map(\.line) == y.stateBackendLines.map(\.line))
            #expect(x.status == y.status && x.runID == y.runID)
        }
    }

    @Test(arguments: LogFixtures.matatika)
    func jsonLogGivesTheSameRuns(_ name: String) throws {
        let console = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name))
        let lines = try rewritten(name, Self.json)
        #expect(lines[11].hasPrefix(#"{"event":"Environment 'dev' is active","#))
        let json = LogFixtures.parse(lines: lines)
        expectSameRuns(console, json)
        #expect(json.diagnostics.isEmpty)
    }

    @Test(arguments: LogFixtures.matatika)
    func colouredLogGivesTheSameRuns(_ name: String) throws {
        let console = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name))
        let coloured = LogFixtures.parse(lines: try rewritten(name, Self.coloured))
        expectSameRuns(console, coloured)
    }
}
