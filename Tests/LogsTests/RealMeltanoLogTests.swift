import Foundation
import Logs
import Model
import Testing

/// Logs of real `meltano run -f tap-synthetic meltano-map-transform-instance target-synthetic`
/// runs on Meltano 3.6.0, 3.7.9 and 4.1.2 (Fixtures/real-meltano, made by
/// scripts/real-meltano/make-fixtures): console, ANSI colours, JSON, debug level, a failing tap;
/// and one run of 4.0.5 (its console hides every key of a plugin's line but `name=`).
@Suite struct RealMeltanoLogTests {
    /// File → boundary lines in `LogBoundary` order, read off the files.
    static let boundaries: [String: [Int]] = [
        "meltano-3.6.0-color-1.log": [8, 9, 10, 20, 21, 23, 25],
        "meltano-3.6.0-debug-1.log": [15, 32, 137, 177, 180, 182, 190],
        "meltano-3.6.0-fail-1.log": [8, 9, 10, 59, 60, 62, 65],
        "meltano-3.6.0-json-1.log": [8, 9, 10, 20, 21, 23, 25],
        "meltano-3.6.0-mapper-1.log": [8, 9, 10, 20, 21, 23, 25],
        "meltano-3.6.0-mapper-2.log": [8, 9, 10, 20, 21, 23, 25],
        "meltano-3.7.9-color-1.log": [1, 9, 11, 21, 22, 24, 27],
        "meltano-3.7.9-debug-1.log": [8, 33, 145, 185, 188, 190, 199],
        "meltano-3.7.9-fail-1.log": [1, 9, 11, 60, 61, 63, 67],
        "meltano-3.7.9-json-1.log": [1, 9, 11, 21, 22, 24, 27],
        "meltano-3.7.9-mapper-1.log": [1, 9, 11, 21, 22, 24, 27],
        "meltano-3.7.9-mapper-2.log": [1, 9, 11, 21, 22, 24, 27],
        "meltano-4.1.2-color-1.log": [1, 3, 6, 16, 17, 19, 22],
        "meltano-4.1.2-debug-1.log": [8, 27, 166, 237, 250, 254, 263],
        "meltano-4.1.2-fail-1.log": [1, 3, 6, 55, 56, 58, 62],
        "meltano-4.1.2-json-1.log": [1, 3, 6, 16, 17, 19, 22],
        "meltano-4.1.2-mapper-1.log": [1, 3, 6, 16, 17, 19, 22],
        "meltano-4.1.2-mapper-2.log": [1, 3, 12, 16, 17, 19, 22],
    ]

    static var folder: URL { LogFixtures.fixtures.appendingPathComponent("real-meltano") }

    @Test func everyFixtureIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".log")
        }
        #expect(Set(files) == Set(Self.boundaries.keys).union(["meltano-4.0.5-plain-1.log"]))
    }

    @Test(arguments: boundaries.keys.sorted())
    func oneRunSplitAtItsLines(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let log = try LogFileTimeline.read(path: path, name: name)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let run = try #require(log.runs.count == 1 ? log.runs.first : nil, "\(log.runs.count) runs")
        #expect(LogBoundary.allCases.map { run.boundaries[$0]?.line ?? 0 } == Self.boundaries[name])
        #expect(run.kind == .run && run.environment == "dev" && run.jobName == "dev:tap-synthetic-to-target-synthetic")
        #expect(
            run.tap == "tap-synthetic" && run.target == "target-synthetic" && run.mappers == ["meltano-map-transform"])
        // Contiguous phases that add up to the wall time, exactly.
        let micros = run.phases.compactMap(\.microseconds)
        #expect(micros.count == 6 && micros.allSatisfy { $0 >= 0 })
        #expect(micros.reduce(0, +) == run.totalMicroseconds)
        #expect(run.firstLine == run.boundaries[.processStart]?.line && run.lastLine == run.boundaries[.blockEnd]?.line)

        let kind = name.split(separator: "-")[2]
        #expect(run.records == (kind == "debug" ? 10 : kind == "fail" ? 50 : 200))
        #expect(run.stateMessages == (kind == "debug" ? 3 : kind == "fail" ? 2 : 5))
        #expect(run.readers.map(\.reader) == ["meltano-map-transformer", "target-synthetic"])
        #expect(
            run.stateBackendLines.count == (name.contains("3.6.0") ? 0 : 2),
            "Meltano ≥ 3.7 reads and writes state through the systemdb backend")
        if kind == "fail" {
            #expect(
                run.status == .failed && run.statusReason?.hasSuffix(": `Extractor failed`") == true,
                "\(run.statusReason ?? "")")
            #expect(run.errorLineCount == 2)
        } else {
            #expect(run.status == .completed && run.statusReason == nil && run.errorLineCount == 0)
        }

        // Every boundary's line says what the boundary is.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        func line(_ b: LogBoundary) -> Substring { lines[run.boundaries[b]!.line - 1] }
        #expect(line(.processStart).contains("Environment 'dev' is active"))
        #expect(line(.blockStart).contains("Force option is enabled, ignoring stale job check."))
        #expect(
            line(.firstConsumerLine).contains("meltano-map-transform")
                || line(.firstConsumerLine).contains("target-synthetic"))
        #expect(line(.firstReaderDone).contains("Reader 'meltano-map-transformer' completed processing"))
        #expect(line(.targetReaderDone).contains("Reader 'target-synthetic' completed processing"))
        #expect(line(.targetLastLine).contains("target-synthetic"))
        #expect(line(.blockEnd).contains("Block run completed"))
        for b in LogBoundary.allCases {
            #expect(line(b).contains(run.boundaries[b]!.timestamp!.description), "\(b)")
        }
    }

    /// The same release's console, coloured and JSON logs split at the same lines.
    @Test(arguments: ["3.6.0", "3.7.9", "4.1.2"])
    func formatsAgree(_ release: String) throws {
        let runs = try ["mapper-1", "color-1", "json-1"].map { kind in
            try LogFileTimeline.read(path: Self.folder.appendingPathComponent("meltano-\(release)-\(kind).log").path)
                .runs[0]
        }
        for run in runs {
            #expect(
                LogBoundary.allCases.map { run.boundaries[$0]?.line }
                    == LogBoundary.allCases.map { runs[0].boundaries[$0]?.line })
            #expect(
                run.readers.map { [$0.lines, $0.records, $0.stateMessages] }
                    == runs[0].readers.map { [$0.lines, $0.records, $0.stateMessages] })
            #expect(run.stateBackendLines.map(\.line) == runs[0].stateBackendLines.map(\.line))
        }
    }

    /// Meltano 4 prints no keys on plugin lines; roles come from its `Running job with name` line.
    @Test func meltanoFourRolesWithoutKeys() throws {
        let log = try LogFileTimeline.read(path: Self.folder.appendingPathComponent("meltano-4.1.2-mapper-1.log").path)
        let run = log.runs[0]
        #expect(run.runID == "01a22a12-983a-7cad-8fd5-d8d0ef6b1444")
        #expect(run.readers.map(\.role) == [.mapper, .target])
        #expect(run.readers.map(\.plugin) == ["meltano-map-transform", "target-synthetic"])
    }

    /// Meltano 4.0 prints `name=` and no other key on a plugin's line (and no key on its own
    /// lines): the plugin comes from `name=`, its role from the job name, and every phase splits.
    @Test func meltanoFourZeroPluginLinesCarryOnlyTheirName() throws {
        let log = try LogFileTimeline.read(path: Self.folder.appendingPathComponent("meltano-4.0.5-plain-1.log").path)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let run = try #require(log.runs.first)
        #expect(LogBoundary.allCases.map { run.boundaries[$0]?.line ?? 0 } == [1, 10, 16, 20, 20, 22, 25])
        #expect(run.tap == "tap-synthetic" && run.target == "target-synthetic" && run.mappers.isEmpty)
        #expect(run.readers.map(\.role) == [.target] && run.records == 6700 && run.stateMessages == 118)
        #expect(run.phases.allSatisfy { $0.microseconds != nil }, "\(run.phases)")
        #expect(run.status == .completed && run.notes.isEmpty, "\(run.notes)")
    }

    @Test func preambleLinesAreNoted() throws {
        let run = try LogFileTimeline.read(path: Self.folder.appendingPathComponent("meltano-3.6.0-mapper-1.log").path)
            .runs[0]
        #expect(
            run.notes.map(\.description) == [
                "line 1: 7 Meltano lines before `Environment '...' is active`: the process began before its `start` phase, which counts from the Environment line"
            ])
    }
}
