import Foundation
import Logs
import Model
import Testing

/// The three Matatika production logs: every run found, phases contiguous and exact, every
/// boundary traced to its line.
@Suite struct MatatikaLogTests {
    static let jobs = [
        "ci_leadplatform", "sugarcrm", "byow", "consumeroffers", "cop_users", "ci_abbey", "admiral", "ci_portal", "mvf",
    ]

    @Test(arguments: LogFixtures.matatika)
    func findsNineCompletedRunsInOrder(_ name: String) throws {
        let file = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name), name: name)
        #expect(file.runs.count == 9)
        #expect(file.diagnostics.isEmpty, "\(file.diagnostics)")
        for (run, job) in zip(file.runs, Self.jobs) {
            #expect(run.kind == .run)
            #expect(run.status == .completed, "\(run.index): \(run.statusReason ?? "")")
            #expect(run.environment == "dev")
            #expect(run.jobName == "dev:mysql-bigdb_prd9_\(job)-to-target-snowflake:bigdb_prd9_\(job)")
            #expect(run.command?.hasPrefix("meltano run -f mysql-bigdb_prd9_\(job) ") == true)
            #expect(run.tap == "mysql-bigdb_prd9_\(job)")
            #expect(run.target == "target-snowflake")
            #expect(run.mappers.contains("mapper-fivetran"))
            #expect(run.errorLineCount == 0)
        }
        #expect(file.runs.map(\.index) == Array(1...9))
    }

    @Test(arguments: LogFixtures.matatika)
    func phasesAreContiguousAndSumToTheWallTime(_ name: String) throws {
        let file = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name))
        for run in file.runs {
            // Contiguous: each phase ends at the boundary the next one starts from.
            for (a, b) in zip(LogPhase.allCases, LogPhase.allCases.dropFirst()) { #expect(a.to == b.from) }
            #expect(LogPhase.allCases.first?.from == .processStart && LogPhase.allCases.last?.to == .blockEnd)
            let micros = run.phases.map(\.microseconds)
            #expect(micros.allSatisfy { $0 != nil && $0! >= 0 }, "run \(run.index): \(run.phases)")
            let total = try #require(run.totalMicroseconds)
            #expect(micros.compactMap { $0 }.reduce(0, +) == total)
            let sum = run.phases.compactMap(\.seconds).reduce(0, +)
            #expect(abs(sum - run.totalSeconds!) < 0.001)
            #expect(total == run.endedAt!.microseconds - run.startedAt!.microseconds)
            #expect(run.boundaries[.processStart]?.line == run.firstLine)
            #expect(run.boundaries[.blockEnd]?.line == run.lastLine)
        }
    }

    /// Boundary line numbers checked against a reading of the files by hand.
    @Test(arguments: [
        (LogFixtures.ok, 1, [12, 21, 25, 45, 76, 199, 201]),
        (LogFixtures.ok, 2, [204, 210, 216, 244, 251, 320, 322]),
        (LogFixtures.ok, 9, [552, 553, 554, 573, 574, 599, 601]),
        (LogFixtures.slowVersion, 1, [12, 20, 24, 61, 70, 193, 196]),
        (LogFixtures.slowVersion, 2, [199, 204, 209, 231, 238, 311, 314]),
        (LogFixtures.slowOther, 1, [12, 21, 25, 113, 114, 241, 243]),
        (LogFixtures.slowOther, 9, [637, 638, 641, 675, 676, 703, 705]),
    ])
    func boundariesAreAtKnownLines(_ name: String, _ index: Int, _ lines: [Int]) throws {
        let run = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name)).runs[index - 1]
        #expect(LogBoundary.allCases.map { run.boundaries[$0]?.line } == lines)
    }

    /// Every boundary's line number points at a line of the file with that boundary's text and timestamp.
    @Test(arguments: LogFixtures.matatika)
    func everyBoundaryTracesToItsLine(_ name: String) throws {
        let lines = try LogFixtures.matatikaLines(name)
        let file = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name))
        for run in file.runs {
            for boundary in LogBoundary.allCases {
                let mark = try #require(run.boundaries[boundary], "run \(run.index) \(boundary)")
                let text = lines[mark.line - 1]
                #expect(text.hasPrefix(mark.timestamp!.description), "\(boundary) line \(mark.line)")
                switch boundary {
                case .processStart: #expect(text.contains("Environment 'dev' is active"))
                case .blockStart: #expect(text.contains("Force option is enabled, ignoring stale job check."))
                case .firstConsumerLine: #expect(text.contains(" consumer=True "))
                case .firstReaderDone: #expect(text.contains("completed processing"))
                case .targetReaderDone: #expect(text.contains("Reader 'target-snowflake' completed processing"))
                case .targetLastLine:
                    #expect(text.contains(" name=target-snowflake "))
                    // The next lines up to `Incremental state` are not the target's.
                    let state = try #require(
                        lines[mark.line...].firstIndex { $0.contains("Incremental state has been updated") })
                    #expect(!lines[mark.line..<state].contains { $0.contains(" name=target-snowflake ") })
                case .blockEnd: #expect(text.contains("Block run completed.") && text.contains("success=True"))
                }
            }
        }
    }

    /// Records and STATE messages are the target's Reader line's, read here independently.
    @Test(arguments: LogFixtures.matatika)
    func countsMatchTheTargetsReaderLines(_ name: String) throws {
        let pattern = try NSRegularExpression(
            pattern:
                #"Reader 'target-snowflake' completed processing (\d+) lines of input \((\d+) schemas, (\d+) records, 0 batch manifests, (\d+) state messages"#
        )
        let text = try LogFixtures.matatikaText(name)
        let expected = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1...4).map { Int(text[Range(match.range(at: $0), in: text)!])! }
        }
        let runs = try LogFileTimeline.read(path: LogFixtures.matatikaPath(name)).runs
        #expect(expected.count == 9)
        #expect(
            runs.map { [$0.targetCounts!.lines, $0.targetCounts!.schemas!, $0.records!, $0.stateMessages!] } == expected
        )
    }

    @Test func knownValuesOfTheOKLogsFirstRun() throws {
        let run = try LogFileTimeline.read(path: LogFixtures.matatikaPath(LogFixtures.ok)).runs[0]
        #expect(
            run.phases.map(\.microseconds) == [19_469_632, 19_795_927, 106_490_830, 37_168_590, 79_745_982, 612_879])
        #expect(run.totalMicroseconds == 263_283_840)
        #expect(run.startedAt?.description == "2026-01-08T13:31:02.647435Z")
        #expect(run.records == 42305 && run.stateMessages == 210)
        #expect(run.readers.map(\.reader) == ["mapper-fivetran", "target-snowflake"])
        #expect(run.stateBackendLines.isEmpty)
        #expect(run.runID == "e0fb72ce-acba-497f-a796-0bfc222c6b36")
    }

    @Test func theSlowVersionLogHasTwoStateBackendLinesPerRun() throws {
        let runs = try LogFileTimeline.read(path: LogFixtures.matatikaPath(LogFixtures.slowVersion)).runs
        #expect(runs.map(\.stateBackendLines.count) == Array(repeating: 2, count: 9))
        #expect(runs[0].stateBackendLines.map(\.line) == [21, 194])
        #expect(runs[0].stateBackendLines[0].timestamp?.description == "2026-01-08T10:31:04.122343Z")
        // The tap's lines are hidden after the first run: its name comes from the job name.
        #expect(runs[1].tap == "mysql-bigdb_prd9_sugarcrm")
        #expect(runs[1].mappers == ["mapper-fivetran", "meltano-map-transformer"])
    }
}
