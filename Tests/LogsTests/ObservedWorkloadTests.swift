import Foundation
import Logs
import Model
import Testing

/// Per-job statistics of a set of logs: what `simulate scenario --from-logs` writes per job.
@Suite struct ObservedWorkloadTests {
    static func workload(_ names: [String]) throws -> ObservedWorkload {
        try ObservedWorkload(names.map { try LogFileTimeline.read(path: LogFixtures.matatikaPath($0), name: $0) })
    }

    @Test func matatikaOKLogIsNineJobsOfOneRunEach() throws {
        let workload = try Self.workload([LogFixtures.ok])
        #expect(workload.jobs.count == 9)
        #expect(workload.runs == 9)
        #expect(workload.jobs.allSatisfy { $0.runs == 1 })
        let first = try #require(workload.jobs.first)
        #expect(first.name == "dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform")
        #expect(first.firstRun.log == LogFixtures.ok)
        // One run: the median is the run's own value (docs/logs.md's JSON example of this run).
        #expect(abs((first.phases[.extraction]?.median ?? 0) - 106.49083) < 1e-6)
        #expect(first.records?.median == 42305)
        #expect(first.stateMessages?.median == 210)
        #expect(!first.saysSystemdb)
        #expect(workload.release == nil)
        #expect(workload.logs.first?.skippedCount == 0)
    }

    @Test func totalIsTheSumOfTheRunsAndThePeriodIsLabelled() throws {
        let log = try LogFileTimeline.read(path: LogFixtures.matatikaPath(LogFixtures.ok), name: LogFixtures.ok)
        let workload = try ObservedWorkload([log])
        let sum = log.runs.compactMap(\.totalSeconds).reduce(0, +)
        #expect(abs(workload.totalSeconds - sum) < 1e-6)
        #expect(workload.periodSeconds >= sum)
        #expect(workload.periodLabel.hasSuffix("UTC)"))
        #expect(workload.periodLabel.contains(" min ("))
        #expect((workload.gapSeconds ?? -1) >= 0)
    }

    @Test func theSlowLogSaysSystemdb() throws {
        let workload = try Self.workload([LogFixtures.slowVersion])
        #expect(workload.jobs.allSatisfy { $0.saysSystemdb })
    }

    @Test func spreadHasQuartilesAndRange() throws {
        let spread = try #require(Spread([13, 10, 12, 11, 100]))
        #expect(spread.median == 12)
        #expect(spread.lowerQuartile == 11 && spread.upperQuartile == 13)
        #expect(spread.min == 10 && spread.max == 100)
        #expect(!spread.isWide())
        #expect(Spread([1, 10, 20, 30])?.isWide() == true)
        #expect(Spread([]) == nil)
    }

    @Test func theReleaseComesFromMeltanosDebugLine() throws {
        let name = "meltano-3.6.0-debug-1.log"
        let log = try LogFileTimeline.read(
            path: LogFixtures.fixtures.appendingPathComponent("real-meltano/\(name)").path, name: name)
        let workload = try ObservedWorkload([log])
        #expect(workload.release == "meltano-3.6.0")
        #expect(workload.releaseLocation?.log == name)
    }

    @Test func twoReleasesInOneSetAreAnErrorAtTheSecond() throws {
        let logs = try ["meltano-3.6.0-debug-1.log", "meltano-3.7.9-debug-1.log"].map { (name: String) in
            try LogFileTimeline.read(
                path: LogFixtures.fixtures.appendingPathComponent("real-meltano/\(name)").path, name: name)
        }
        let error = #expect(throws: ObservedWorkloadError.self) { try ObservedWorkload(logs) }
        #expect(error?.location.hasPrefix("meltano-3.7.9-debug-1.log:") == true)
        #expect(error?.problem.contains("3.7.9") == true && error?.problem.contains("3.6.0") == true)
    }

    @Test func aSetWithoutACompleteRunIsAnError() throws {
        let lines = try LogFixtures.matatikaLines(LogFixtures.ok)
        // Cut in the middle of the first run: one partial run, nothing complete.
        let log = LogFixtures.parse(lines: Array(lines.prefix(40)), name: "cut.log")
        let error = #expect(throws: ObservedWorkloadError.self) { try ObservedWorkload([log]) }
        #expect(error?.location == "cut.log:12")
        #expect(error?.problem.contains("the first run, here, is partial (the file ends at line 40") == true)
        #expect(error?.problem.contains("no complete") == true)
    }

    @Test func partialRunsAreSkippedAndCounted() throws {
        let lines = try LogFixtures.matatikaLines(LogFixtures.ok)
        let end = try #require(lines.lastIndex { $0.contains("Block run completed") })
        // Everything but the last run's final line: eight complete runs and a partial one.
        let log = LogFixtures.parse(lines: Array(lines.prefix(end)), name: "cut.log")
        let workload = try ObservedWorkload([log])
        #expect(workload.runs == 8)
        #expect(workload.logs.first?.skipped[.partial] == 1)
    }
}
