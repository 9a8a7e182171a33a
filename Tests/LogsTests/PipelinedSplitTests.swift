import Foundation
import Testing

@testable import Logs

/// A large log is split in two stages (`LogFileTimeline.splitPipelined`: parsed on a second thread,
/// split on the caller's); the result must be the one-thread split's, byte for byte.
@Suite struct PipelinedSplitTests {
    /// The Matatika logs, each twelve times (many batches of `batchLines`), plus lines that end
    /// runs in every way and a cut-short last run.
    static func bytes() throws -> [UInt8] {
        var text = ""
        for _ in 0..<12 {
            for name in LogFixtures.matatika { text += try LogFixtures.matatikaText(name) }
        }
        text += "meltano run tap-a target-b\nnot structlog at all\n"
        text += "2026-01-08T10:30:49.000000Z [info     ] Environment 'dev' is active\n"
        return Array(text.utf8)
    }

    @Test func twoStagesGiveTheOneThreadSplit() throws {
        let bytes = try Self.bytes()
        #expect(bytes.count > 0 && bytes.filter { $0 == 0x0A }.count > 4 * LogFileTimeline.batchLines)
        for limits in [LogLimits.standard, LogLimits(runsKept: 7)] {
            let one = LogFileTimeline.parse(bytes, name: "x.log", limits: limits, pipelined: false)
            let two = LogFileTimeline.parse(bytes, name: "x.log", limits: limits, pipelined: true)
            #expect(two.runCount == one.runCount && two.lineCount == one.lineCount)
            #expect(two.structuredLineCount == one.structuredLineCount && two.byteCount == one.byteCount)
            #expect(two.diagnostics.map(\.message) == one.diagnostics.map(\.message))
            #expect(try TimelineDocument(logs: [two]).encoded() == TimelineDocument(logs: [one]).encoded())
        }
    }

    @Test func aBinaryLogIsRefusedTheSameWay() throws {
        var bytes = try Self.bytes()
        bytes[100] = 0
        let two = LogFileTimeline.parse(bytes, name: "x.log", limits: .standard, pipelined: true)
        #expect(two.binaryAt == 100 && two.runs.isEmpty && two.runCount == 0)
    }
}
