import Foundation
import Model
import Testing

@testable import Logs

/// What a log reader keeps is bounded by `LogLimits`, not by the log (issue 21): past each limit
/// things are counted and said, and pairing stays one pass.
struct LogLimitsTests {
    static let environment = "2026-01-08T10:30:49.218025Z [info     ] Environment 'dev' is active"

    static func plugin(_ text: String, name: String, consumer: Bool, producer: Bool, second: Int = 50) -> String {
        "2026-01-08T10:30:\(second).000000Z [info     ] \(text) cmd_type=elb consumer=\(consumer ? "True" : "False") "
            + "job_name=dev:tap-x-to-target-y:j name=\(name) producer=\(producer ? "True" : "False") run_id=r1"
    }

    static let reader =
        "Reader 'target-y' completed processing 10 lines of input (1 schemas, 9 records, 0 batch manifests, "
        + "1 state messages, 0 activate version messages)."

    @Test func runsPastTheLimitAreCountedByStatus() {
        let text = Array(repeating: Self.environment, count: 10).joined(separator: "\n") + "\n"
        let log = LogFileTimeline.parse(Array(text.utf8), name: "x.log", limits: LogLimits(runsKept: 3))
        #expect(log.runs.map(\.index) == [1, 2, 3])
        #expect(log.runCount == 10 && log.noRunsReason == nil)
        #expect(
            log.diagnostics.last
                == LogDiagnostic(
                    line: 4,
                    "7 runs from run 4 on (7 partial) are counted, not listed or paired: at most 3 runs are kept"))
    }

    @Test func aBudgetIsSharedByTheLogsReadUnderIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.log").path
        try Data((Array(repeating: Self.environment, count: 4).joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: path))
        var budget = LogReadBudget(LogLimits(runsKept: 6))
        let counts = try (0..<3).map { _ in try budget.read(path: path) }.map { ($0.runs.count, $0.runCount) }
        #expect(counts.map(\.0) == [4, 2, 0] && counts.map(\.1) == [4, 4, 4])
    }

    @Test func readerAndStateBackendLinesPastTheLimitAreCountedAndTheTargetsCountsKept() {
        var lines = [
            Self.environment, "2026-01-08T10:30:49.5Z [info     ] Force option is enabled, ignoring stale job check.",
        ]
        for _ in 0..<20 { lines.append(Self.plugin(Self.reader, name: "target-y", consumer: true, producer: false)) }
        lines.append(
            Self.plugin(
                Self.reader.replacingOccurrences(of: "9 records", with: "77 records"), name: "target-y",
                consumer: true, producer: false))
        for _ in 0..<9 { lines.append("2026-01-08T10:30:51.000000Z [info     ] Using systemdb state backend") }
        let log = LogFixtures.parse(lines: lines)
        let limited = LogFileTimeline.parse(
            Array((lines.joined(separator: "\n") + "\n").utf8), name: "x.log",
            limits: LogLimits(runsKept: 10, linesKeptPerKind: 4))
        let run = limited.runs[0]
        #expect(run.readers.count == 4 && run.readerLineCount == 21 && run.records == 77)
        #expect(run.stateBackendLines.count == 4 && run.stateBackendLineCount == 9)
        #expect(run.notes.contains { $0.message.hasPrefix("21 `Reader ... completed` lines: the first 4 are listed") })
        #expect(log.runs[0].records == 77 && log.runs[0].readers.count == 21)
    }

    @Test func mappersPastTheLimitAreNotListed() {
        var lines = [Self.environment]
        for n in 0..<100 { lines.append(Self.plugin("banner", name: "mapper-\(n)", consumer: true, producer: true)) }
        let run = LogFileTimeline.parse(
            Array((lines.joined(separator: "\n") + "\n").utf8), name: "x.log",
            limits: LogLimits(runsKept: 10, mappersKept: 8)
        ).runs[0]
        #expect(run.mappers == (0..<8).map { "mapper-\($0)" })
        #expect(run.notes.contains { $0.message == "more than 8 mappers: only the first 8 are listed" })
    }

    @Test func aClockGoingBackwardsPastTheLimitStillMakesPhasesUnknown() {
        var lines = [Self.environment]
        for n in 0..<10 {
            lines.append("2026-01-08T10:30:5\(n % 2 == 0 ? 5 : 1).000000Z [info     ] tick")
        }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let run = LogFileTimeline.parse(text, name: "x.log", limits: LogLimits(runsKept: 1, backwardsJumpsKept: 2))
            .runs[0]
        #expect(run.totalMicroseconds == nil)
        #expect(run.totalReason?.hasPrefix("the clock goes backwards") == true)
    }

    @Test func sumsOfRunsSpanningTenThousandYearsDoNotTrap() {
        var lines: [String] = []
        for _ in 0..<40 {
            lines += [
                "0001-01-01T00:00:00.000000Z [info     ] Environment 'dev' is active",
                "9999-12-31T00:00:00.000000Z [info     ] Block run completed.           success=True",
            ]
        }
        let log = LogFixtures.parse(lines: lines)
        let comparison = TimelineComparison(baseline: [log], regressed: [log])
        #expect(comparison.pairs.isEmpty || comparison.total.sum == 0)
        #expect(!TimelineMarkdown.render(log).isEmpty)
        #expect(MicrosecondSum.of(log.runs.compactMap(\.totalMicroseconds)) > Double(Int64.max))
    }

    @Test func pairingManyRunsOfOneJobKeepsTheirOrder() {
        let run = [
            Self.environment, Self.plugin("loaded", name: "target-y", consumer: true, producer: false),
            "2026-01-08T10:31:00.000000Z [info     ] Block run completed.           success=True",
        ]
        let log = LogFixtures.parse(lines: Array(Array(repeating: run, count: 2_000).joined()))
        let fewer = LogFixtures.parse(lines: Array(Array(repeating: run, count: 1_500).joined()))
        let c = TimelineComparison(baseline: [log], regressed: [fewer])
        #expect(c.pairs.count == 1_500 && c.unmatchedBaseline.count == 500 && c.unmatchedRegressed.isEmpty)
        #expect(c.pairs.allSatisfy { $0.baseline.run.index == $0.regressed.run.index })
        let reversed = TimelineComparison(baseline: [fewer], regressed: [log])
        #expect(reversed.unmatchedRegressed.map(\.run.index) == Array(1_501...2_000))
    }
}
