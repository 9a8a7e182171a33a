import Foundation
import Logs
import Model
import Testing

/// The bad-log catalogue: each kind of damage gives a clear message naming the file's line where
/// it matters, a partial run marked partial, and never a crash or a hang.
@Suite struct BadLogTests {
    /// The OK log's first process with the task runner's lines around it (file lines 9...201 and
    /// `Exit code 0 from Inline stage`): `Executing Inline stage`, `export`, the echo, then the run.
    static func firstRun() throws -> [String] {
        Array(try LogFixtures.matatikaLines(LogFixtures.ok)[8...200]) + ["Exit code 0 from Inline stage"]
    }

    /// Where a file line of the OK log lands in `firstRun()`.
    static func at(_ fileLine: Int) -> Int { fileLine - 9 }

    static func reference() throws -> RunTimeline { try LogFixtures.parse(lines: firstRun()).runs[0] }

    @Test func empty() {
        let log = LogFixtures.parse("")
        #expect(log.runs.isEmpty && log.lineCount == 0)
        #expect(log.noRunsReason == "empty file: no Meltano process in it")
    }

    @Test func binary() {
        var bytes: [UInt8] =
            [0x1F, 0x8B, 0x08, 0x00]
            + Array("2026-01-08T13:31:02.647435Z [info     ] Environment 'dev' is active\n".utf8)
        bytes += (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        let log = LogFileTimeline.parse(bytes, name: "b.gz")
        #expect(log.runs.isEmpty)
        #expect(log.noRunsReason == "binary data (a NUL byte at offset 3), not a text log")
    }

    @Test func nonUTF8Bytes() throws {
        var lines = try Self.firstRun()
        lines[Self.at(44)] = lines[Self.at(44)].replacingOccurrences(of: "METRIC", with: "MET\u{FFFD}RIC")
        var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        // Replace the U+FFFD (EF BF BD) with bytes that are not UTF-8 at all.
        let marker: [UInt8] = [0xEF, 0xBF, 0xBD]
        let i = try #require((0..<bytes.count - 2).first { Array(bytes[$0..<$0 + 3]) == marker })
        bytes.replaceSubrange(i..<i + 3, with: [0xFF, 0xC0, 0x80])
        let log = LogFileTimeline.parse(bytes, name: "latin.log")
        #expect(log.runs.count == 1 && log.runs[0].status == .completed)
        let reference = try Self.reference()
        #expect(log.runs[0].phases == reference.phases)
        #expect(
            log.diagnostics.map(\.description) == ["line \(Self.at(44) + 1): bytes that are not UTF-8, shown as U+FFFD"]
        )
    }

    @Test func truncatedMidRun() throws {
        // Cut in the middle of file line 100 (during load-finalize).
        var lines = Array(try Self.firstRun()[...Self.at(100)])
        lines[lines.count - 1] = String(lines[lines.count - 1].prefix(60))
        let text = lines.joined(separator: "\n")
        let run = try #require(LogFixtures.parse(text).runs.first)
        #expect(run.status == .partial)
        #expect(run.statusReason == "the file ends at line \(lines.count) before `Block run completed.`")
        #expect(run.phases.prefix(4).allSatisfy { $0.microseconds != nil })
        #expect(
            run.duration(.loadFinalize).reason
                == "no `Incremental state has been updated` line after a line from the target")
        #expect(run.duration(.stateWrite).microseconds == nil)
        #expect(run.lastLine == lines.count)
        #expect(run.totalMicroseconds != nil, "the wall time of what is there")
    }

    @Test func twoProcessesInterleaved() throws {
        let a = try Self.firstRun()
        let b = Array(try LogFixtures.matatikaLines(LogFixtures.ok)[201...321])  // the second process
        // A's process, then B's Environment line, then both processes' lines alternating.
        var lines = Array(a[0..<Self.at(30)]) + [b[2]]
        var i = Self.at(30)
        var j = 3
        while i < a.count - 1 || j < b.count {
            if i < a.count - 1 {
                lines.append(a[i])
                i += 1
            }
            if j < b.count {
                lines.append(b[j])
                j += 1
            }
        }
        let log = LogFixtures.parse(lines: lines)
        #expect(log.runs.count == 2)
        for run in log.runs {
            #expect(run.status == .partial)
            #expect(run.statusReason?.contains("interleaved") == true, "\(run.statusReason ?? "")")
            #expect(run.phases.allSatisfy { $0.microseconds == nil && $0.reason?.contains("interleaved") == true })
        }
        let diagnostic = try #require(log.diagnostics.first { $0.message.hasPrefix("two processes are interleaved") })
        #expect(diagnostic.line != nil && diagnostic.message.contains("run_id `e0fb72ce-acba-497f-a796-0bfc222c6b36`"))
    }

    @Test func timestampsGoingBackwards() throws {
        var lines = try Self.firstRun()
        // File line 40 (inside extraction) stamped a minute early.
        lines[Self.at(43)] = lines[Self.at(43)].replacingOccurrences(
            of: "2026-01-08T13:33:28", with: "2026-01-08T13:32:28")
        let log = LogFixtures.parse(lines: lines)
        let run = try #require(log.runs.first)
        let reference = try Self.reference()
        #expect(run.duration(.extraction).microseconds == nil)
        #expect(
            run.duration(.extraction).reason
                == "the clock goes backwards at line \(Self.at(43) + 1), between lines \(Self.at(25) + 1) and \(Self.at(45) + 1)"
        )
        #expect(run.totalMicroseconds == nil)
        for phase in LogPhase.allCases where phase != .extraction {
            #expect(run.duration(phase) == reference.duration(phase))
        }
        #expect(log.diagnostics.first?.line == Self.at(43) + 1)
        #expect(log.diagnostics.first?.message.hasPrefix("the clock goes backwards: 2026-01-08T13:32:") == true)
    }

    /// A time that does not exist (issue 21) is no time: the line is read as plain text, and the log says
    /// which line, so a run cut short by it is not a mystery. The same for a JSON line's `timestamp`.
    @Test func anImpossibleTimestampIsSaid() throws {
        var lines = try Self.firstRun()
        lines[Self.at(43)] = lines[Self.at(43)].replacingOccurrences(
            of: "2026-01-08T13:33:28", with: "2026-02-30T13:33:28")
        let log = LogFixtures.parse(lines: lines)
        let said = log.diagnostics.filter { $0.message.hasPrefix("its timestamp names a moment that does not exist") }
        #expect(said.map(\.line) == [Self.at(43) + 1], "\(log.diagnostics)")

        let json = LogFixtures.parse(lines: [
            #"{"event": "x", "level": "info", "timestamp": "2026-01-08T23:59:60Z"}"#,
            #"{"event": "y", "level": "info", "timestamp": "2026-01-08T23:59:59Z"}"#,
        ])
        #expect(json.diagnostics.map(\.line) == [1], "\(json.diagnostics)")
    }

    @Test func oneMegabyteLine() throws {
        var lines = try Self.firstRun()
        let big = String(repeating: "x", count: 1 << 20)
        lines[Self.at(44)] = lines[Self.at(44)].replacingOccurrences(of: "METRIC:", with: "METRIC: \(big)")
        #expect(lines[Self.at(44)].utf8.count > 1 << 20)
        let log = LogFixtures.parse(lines: lines)
        let reference = try Self.reference()
        #expect(log.runs.count == 1 && log.runs[0].phases == reference.phases)
        #expect(log.diagnostics.isEmpty)
    }

    @Test func lineLongerThanTheLimitIsCutToItsEnds() throws {
        var lines = try Self.firstRun()
        let huge = String(repeating: "y", count: 10 << 20)
        lines[Self.at(76)] = lines[Self.at(76)].replacingOccurrences(
            of: "Reader 'target", with: "\(huge) Reader 'target")
        #expect(lines[Self.at(76)].utf8.count > 10 << 20)
        let log = LogFixtures.parse(lines: lines)
        let run = try #require(log.runs.first)
        // Head (timestamp) and tail (keys) survive: the line is still the target's.
        #expect(run.target == "target-snowflake" && run.status == .completed)
        #expect(log.diagnostics.count == 1)
        #expect(log.diagnostics[0].line == Self.at(76) + 1)
        #expect(log.diagnostics[0].message.hasSuffix("only its first and last 64 KiB were read"))
    }

    @Test func failedBlock() throws {
        var lines = try Self.firstRun()
        let state = Self.at(200)
        let block = Self.at(201)
        lines[block] =
            "2026-01-08T13:35:25.931275Z [error    ] Block run completed.           block_type=ExtractLoadBlocks "
            + "err=RunnerError('Loader failed') exit_codes={<PluginType.LOADERS: 'loaders'>: 1} set_number=0 success=False"
        lines.insert("Run invocation could not be completed as block failed: Loader failed", at: block + 1)
        lines.remove(at: state)
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        #expect(run.status == .failed)
        #expect(run.statusReason == "line \(block): block failed (err=`RunnerError('Loader failed')`)")
        #expect(run.errorLines == [block])
        #expect(
            run.duration(.loadFinalize).reason
                == "no `Incremental state has been updated` line after a line from the target")
        #expect(run.duration(.stateWrite).microseconds == nil)
        #expect(run.phases.prefix(4).allSatisfy { $0.microseconds != nil })
    }

    @Test func noBlockRunCompleted() throws {
        // The first two processes, the first without its last line; the second cut before its end.
        let all = try LogFixtures.matatikaLines(LogFixtures.ok)
        var lines = Array(all[8...318])
        lines.remove(at: Self.at(201))
        let log = LogFixtures.parse(lines: lines)
        #expect(log.runs.count == 2)
        #expect(log.runs[0].status == .partial)
        #expect(
            log.runs[0].statusReason?.hasPrefix("the task runner started `meltano run -f mysql-bigdb_prd9_sugarcrm")
                == true)
        #expect(log.runs[0].statusReason?.contains("at line \(Self.at(203))") == true)
        #expect(log.runs[0].duration(.stateWrite).reason == "no `Block run completed.` line")
        #expect(log.runs[0].duration(.loadFinalize).microseconds != nil)
        #expect(log.runs[1].status == .partial && log.runs[1].command?.contains("sugarcrm") == true)
        #expect(log.runs[1].statusReason == "the file ends at line \(lines.count) before `Block run completed.`")
    }

    @Test func meltanoEl() throws {
        let lines = [
            "meltano el tap-x target-y --state-id x",
            "2026-01-08T10:00:00.000000Z [info     ] Environment 'dev' is active",
            "2026-01-08T10:00:01.000000Z [info     ] Running extract & load...",
            "2026-01-08T10:00:02.000000Z [info     ] hello                          cmd_type=extractor name=tap-x run_id=r1 state_id=dev:tap-x-to-target-y stdio=stderr",
            "2026-01-08T10:00:05.000000Z [info     ] Reader 'target-y' completed processing 3 lines of input (1 schemas, 2 records, 0 batch manifests, 0 state messages, 0 activate version messages) cmd_type=loader name=target-y run_id=r1 state_id=dev:tap-x-to-target-y stdio=stderr",
            "2026-01-08T10:00:06.000000Z [info     ] Extract & load complete!",
        ]
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        #expect(run.kind == .el && run.status == .completed)
        #expect(run.jobName == "dev:tap-x-to-target-y" && run.tap == "tap-x" && run.target == "target-y")
        #expect(run.records == 2)
        #expect(run.phases.allSatisfy { $0.microseconds == nil && $0.reason?.contains("meltano el") == true })
        #expect(run.totalMicroseconds == 6_000_000)
    }

    @Test func unknownKeysAndLevels() throws {
        // structlog sorts keys, so new ones land in order: `zz_extra` last, `aa_new` first; one
        // out of order (`stdio_x` after `zz_extra`) is read as well.
        let lines = try Self.firstRun().map { line in
            (line.contains(" string_id=") ? line + " zz_extra=1 stdio_x=2" : line)
                .replacingOccurrences(of: "[warning  ]", with: "[notice   ]")
                .replacingOccurrences(
                    of: "Block run completed.           block_type",
                    with: "Block run completed.           aa_new=x block_type")
        }
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        let reference = try Self.reference()
        #expect(run.phases == reference.phases && run.records == reference.records && run.status == .completed)
        #expect(run.boundaries[.blockStart]?.text == "Force option is enabled, ignoring stale job check.")
    }

    @Test func crlfLineEndings() throws {
        let log = LogFixtures.parse(try Self.firstRun().joined(separator: "\r\n") + "\r\n")
        let reference = try Self.reference()
        #expect(log.runs.first?.phases == reference.phases && log.runs.first?.jobName == reference.jobName)
        #expect(log.runs.first?.command == reference.command)
    }

    @Test func lineWithoutATimestamp() throws {
        var lines = try Self.firstRun()
        lines[Self.at(21)] = "[warning  ] Force option is enabled, ignoring stale job check."
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        #expect(run.boundaries[.blockStart]?.line == Self.at(21) + 1)
        #expect(run.duration(.start).reason == "line \(Self.at(21) + 1) has no timestamp")
        #expect(run.duration(.prePlugin).reason == "line \(Self.at(21) + 1) has no timestamp")
        #expect(run.phases.dropFirst(2).allSatisfy { $0.microseconds != nil })
        #expect(run.status == .completed && run.totalMicroseconds != nil)
    }

    @Test func onlyTaskRunnerLines() throws {
        let lines =
            Array(try LogFixtures.matatikaLines(LogFixtures.ok)[0..<11]) + ["Exit code 0 from Inline stage", "End: x"]
        let log = LogFixtures.parse(lines: lines)
        #expect(log.runs.isEmpty)
        #expect(
            log.noRunsReason
                == "no Meltano log line among its 13 lines (only a task runner's or a shell's lines?), so no Meltano process"
        )
    }

    @Test func logCutAtTheFront() throws {
        let lines = Array(try Self.firstRun()[Self.at(30)...])
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        #expect(run.status == .partial && run.statusReason?.contains("is not in the log") == true)
        #expect(
            run.duration(.start).reason == "the process's first line (`Environment '...' is active`) is not in the log")
        #expect(run.duration(.prePlugin).microseconds == nil)
        #expect(run.phases.dropFirst(3).allSatisfy { $0.microseconds != nil })
        #expect(run.totalMicroseconds == nil)
    }

    @Test func linesAfterTheBlockBelongToNoRun() throws {
        var lines = try Self.firstRun()
        lines.insert(
            lines[Self.at(199)].replacingOccurrences(of: "name=target-snowflake", with: "name=dbt")
                .replacingOccurrences(of: "2026-01-08T13:35:25.318396Z", with: "2026-01-08T13:35:26.000000Z"),
            at: Self.at(201) + 1)
        let log = LogFixtures.parse(lines: lines)
        #expect(log.runs.count == 1 && log.runs[0].status == .completed)
        #expect(log.diagnostics.map(\.line) == [Self.at(201) + 2])
        #expect(log.diagnostics[0].message.contains("belongs to no run"))
    }

    @Test func withoutForceTheInstallLineStartsTheBlock() throws {
        var lines = try Self.firstRun()
        lines.remove(at: Self.at(21))
        let run = try #require(LogFixtures.parse(lines: lines).runs.first)
        #expect(run.boundaries[.blockStart]?.text == "Installed 3/3 plugins")
        #expect(run.phases.allSatisfy { $0.microseconds != nil })
    }

    @Test func missingAndUnreadableFiles() throws {
        #expect(throws: LogReadError(file: "/nonexistent/x.log", failure: .unreadable("No such file or directory"))) {
            try LogFileTimeline.read(path: "/nonexistent/x.log")
        }
        #expect(throws: LogReadError(file: "/tmp", failure: .notAFile(.directory))) {
            try LogFileTimeline.read(path: "/tmp")
        }
        #expect(throws: LogReadError(file: "/dev/zero", failure: .notAFile(.device))) {
            try LogFileTimeline.read(path: "/dev/zero")
        }
        #expect(
            LogReadError(file: "a.log", failure: .unreadable("Permission denied")).description
                == "a.log: cannot be read (Permission denied)")
    }
}
