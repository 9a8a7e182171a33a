import Foundation
import Model
import Testing

@testable import Logs

/// The `--json` document: every key present, unknown values as null, line numbers of every boundary.
@Suite struct TimelineDocumentTests {
    @Test func documentOfAMatatikaLog() throws {
        let log = try LogFileTimeline.read(path: LogFixtures.matatikaPath(LogFixtures.ok), name: LogFixtures.ok)
        let data = try TimelineDocument(logs: [log]).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema"] as? String == "simulate-timeline/1")
        #expect(
            object["phase_order"] as? [String] == [
                "start", "pre-plugin", "extraction", "target-tail", "load-finalize", "state-write",
            ])
        let logs = try #require(object["logs"] as? [[String: Any]])
        #expect(logs.count == 1 && logs[0]["file"] as? String == LogFixtures.ok && logs[0]["lines"] as? Int == 608)
        let runs = try #require(logs[0]["runs"] as? [[String: Any]])
        #expect(runs.count == 9)
        let run = runs[0]
        let keys = [
            "index", "kind", "job", "command", "environment", "run_id", "started_at", "ended_at", "first_line",
            "last_line",
            "phases", "phase_reasons", "total_seconds", "total_reason", "tap", "mappers", "target", "records",
            "state_messages",
            "readers", "state_backend_lines", "boundaries", "status", "status_reason", "error_lines",
            "error_line_count", "notes",
        ]
        #expect(Set(run.keys) == Set(keys))
        #expect(
            run["job"] as? String
                == "dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform")
        #expect(run["started_at"] as? String == "2026-01-08T13:31:02.647435Z")
        #expect(run["total_seconds"] as? Double == 263.28384)
        #expect(run["total_reason"] is NSNull && run["status_reason"] is NSNull)
        let phases = try #require(run["phases"] as? [String: Double])
        #expect(
            phases == [
                "start": 19.469632, "pre-plugin": 19.795927, "extraction": 106.49083, "target-tail": 37.16859,
                "load-finalize": 79.745982, "state-write": 0.612879,
            ])
        let boundaries = try #require(run["boundaries"] as? [String: [String: Any]])
        #expect(Set(boundaries.keys) == Set(LogBoundary.allCases.map(\.rawValue)))
        #expect(
            LogBoundary.allCases.map { boundaries[$0.rawValue]?["line"] as? Int } == [12, 21, 25, 45, 76, 199, 201])
        #expect(boundaries["block-start"]?["at"] as? String == "2026-01-08T13:31:22.117067Z")
        #expect(run["records"] as? Int == 42305 && run["state_messages"] as? Int == 210)
    }

    @Test func unknownValuesAreNull() throws {
        let lines = Array(try LogFixtures.matatikaLines(LogFixtures.ok)[8...99])
        let data = try TimelineDocument(logs: [LogFixtures.parse(lines: lines, name: "cut.log")]).encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""load-finalize" : null"#) && text.contains(#""state-write" : null"#))
        #expect(text.contains(#""block-end" : null"#) && text.contains(#""status" : "partial""#))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let run = try #require(((object["logs"] as? [[String: Any]])?[0]["runs"] as? [[String: Any]])?[0])
        #expect(
            (run["phase_reasons"] as? [String: String])?["state-write"]
                == "no `Incremental state has been updated` line after a line from the target")
        #expect(run["status_reason"] as? String == "the file ends at line 92 before `Block run completed.`")
    }

    @Test func roundTrip() throws {
        let logs =
            try LogFixtures.matatika.map { try LogFileTimeline.read(path: LogFixtures.matatikaPath($0), name: $0) }
            + [LogFixtures.parse("", name: "empty.log")]
        let document = TimelineDocument(logs: logs)
        #expect(try TimelineDocument.decode(try document.encoded()) == document)
        #expect(document.logs.last?.noRunsReason == "empty file: no Meltano process in it")
    }
}

/// `--json` written a run at a time is the same bytes as the document encoded whole.
@Suite struct TimelineDocumentStreamTests {
    @Test func streamedDocumentIsTheEncodedDocument() throws {
        let ok = try LogFileTimeline.read(path: LogFixtures.matatikaPath(LogFixtures.ok), name: LogFixtures.ok)
        let odd = LogFixtures.parse("plain text only\n", name: "runs : [\"x.log")
        let one = LogFixtures.parse(
            "2026-01-08T10:30:49.000000Z [info     ] Environment 'dev' is active\n", name: "one.log")
        for logs in [[ok], [ok, odd, one, ok], [odd], [one]] {
            var streamed = Data()
            try TimelineDocument.write(logs: logs) { streamed.append($0) }
            #expect(streamed == (try TimelineDocument(logs: logs).encoded()))
        }
    }

    /// The runs are written without `JSONEncoder` (`TimelineJSONWriter`): every fixture, and text
    /// that needs escaping (quotes, backslashes, control characters, non-ASCII), gives its bytes.
    @Test func runsWrittenByHandAreTheEncodersBytes() throws {
        let real = try FileManager.default.contentsOfDirectory(
            at: LogFixtures.fixtures.appendingPathComponent("real-meltano"), includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "log" }.sorted { $0.path < $1.path }
        let odd = [
            "meltano run tap \"quoted\" \\ back\tslash/\u{1}\u{1F}\u{7F} é \u{2028}",
            "2026-01-08T10:30:49.000000Z [info     ] Environment 'd\\\"é\u{8}\u{C}' is active",
            "2026-01-08T10:30:49.500000Z [info     ] Force option is enabled, ignoring stale job check.",
            "2026-01-08T10:30:50.000000Z [info     ] Reader 'x\\' completed processing 3 lines of input (1 schemas) "
                + "cmd_type=elb consumer=True job_name=dev:a-to-b\u{1B}:s name=b\rc producer=False run_id=r stdio=stderr",
            "[error    ] Block run completed.           err=RunnerError('a\\b\"c') success=False",
            "2026-01-08T10:30:51.000000Z [info     ] Environment 'dev' is active",
            "2026-01-08T10:30:40.000000Z [error    ] Run invocation could not be completed <\u{7}>",
        ]
        let logs =
            try real.map { try LogFileTimeline.read(path: $0.path, name: $0.lastPathComponent) }
            + LogFixtures.matatika.map { try LogFileTimeline.read(path: LogFixtures.matatikaPath($0), name: $0) }
            + [LogFixtures.parse(lines: odd, name: "odd \"name\".log")]
        #expect(logs.filter(\.runs.isEmpty).map(\.name) == [])
        for log in logs {
            var streamed = Data()
            try TimelineDocument.write(logs: [log]) { streamed.append($0) }
            let encoded = try TimelineDocument(logs: [log]).encoded()
            #expect(streamed == encoded, "\(log.name)")
        }
    }

    /// The eight-at-a-time test for bytes a JSON string escapes agrees with the plain definition.
    @Test func escapeTestAgreesByteByByte() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [
            0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA2, 0xDC, 0xFF,
        ]
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8(0x61) : alphabet.randomElement(using: &generator)!
            }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            #expect(bytes.withUnsafeBufferPointer { TimelineJSONWriter.needsEscape($0) } == expected, "\(bytes)")
        }
    }
}
