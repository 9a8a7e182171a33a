import Foundation
import Testing

@testable import Logs

/// Plain lines are classified on their bytes (`RunSplitter.consumePlain`); these hold that reading
/// to what the `String` reading says.
@Suite struct PlainLineTests {
    /// `UTF8Validation` agrees with the standard library's repair on every 1- to 4-byte sequence
    /// around the boundaries of UTF-8's forms, and on random bytes.
    @Test func validationAgreesWithTheStandardLibrary() {
        let interesting: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        var cases: [[UInt8]] = []
        for a in interesting {
            cases.append([a])
            for b in interesting {
                cases.append([a, b])
                for c in interesting where a >= 0xE0 { cases.append([a, b, c]) }
            }
        }
        for a in [UInt8(0xF0), 0xF1, 0xF4, 0xF5] {
            for b in interesting { for c in [UInt8(0x80), 0xBF] { cases.append([a, b, c, 0x80]) } }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            cases.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in UInt8.random(in: 0...255) })
        }
        // Long stretches of bad bytes (16 or more become a slice of ready-made U+FFFDs) between
        // pieces of valid text, and the pieces alone.
        let pieces: [[UInt8]] = [Array("ok ".utf8), Array("é日".utf8), [0xCC, 0x88], [0xF0, 0x9F, 0x98, 0x80]]
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes += pieces.randomElement(using: &generator)!
                let bad = [UInt8(0xFF), 0x80, 0xC2, 0xE0, 0xF4].randomElement(using: &generator)!
                bytes += [UInt8](repeating: bad, count: Int.random(in: 0...80, using: &generator))
            }
            cases.append(bytes)
        }
        let disagreements = cases.filter { bytes in
            let repaired = String(decoding: bytes, as: UTF8.self)
            return bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } != repaired.utf8.elementsEqual(bytes)
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        // The repair replaces what the standard library replaces, with as many U+FFFD.
        let badRepairs = cases.filter { bytes in
            let ours = bytes.withUnsafeBufferPointer { UTF8Validation.repairing($0) }
            return !String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(ours.utf8)
        }
        #expect(badRepairs.isEmpty, "\(badRepairs.prefix(5))")
    }

    /// A task runner's lines read the same from bytes as from text, also past leading blanks,
    /// `+ ` and `$ ` and with bytes that are not UTF-8 in the command.
    @Test func taskRunnerLinesFromBytes() {
        let lines: [(String, TaskRunnerLine)] = [
            (
                "  + meltano --log-level debug run tap target",
                .command("meltano --log-level debug run tap target", .run)
            ),
            ("\t$ meltano -e prod elt tap target", .command("meltano -e prod elt tap target", .el)),
            ("meltano install", .none),
            // Words are read up to the subcommand: runs of spaces, an option's value that starts
            // with `-`, an option with no value, a subcommand that only begins like one.
            ("meltano   --cwd  -x  run  tap", .command("meltano   --cwd  -x  run  tap", .run)),
            ("meltano --log-level", .none),
            ("meltano -v el tap target", .command("meltano -v el tap target", .el)),
            ("meltano eltx tap", .none),
            ("meltano --environment=prod runner", .none),
            ("Executing Inline stage", .stage),
            ("Exit code 1 from Inline stage", .stage),
            ("End: 42", .stage),
            ("Executing", .none),
            ("", .none),
        ]
        for (text, expected) in lines { #expect(TaskRunnerLine(text) == expected, "\(text)") }
        let bytes: [UInt8] = Array("meltano run tap-\u{FFFD}".utf8.dropLast(3)) + [0xFF]
        #expect(bytes.withUnsafeBufferPointer { TaskRunnerLine($0) } == .command("meltano run tap-\u{FFFD}", .run))
    }

    /// A failure printed as a plain line with a bad byte in it: the run fails, the line is said once.
    @Test func aPlainFailureLineWithABadByte() throws {
        let text = """
            2026-01-08T10:30:49.218025Z [info     ] Environment 'dev' is active
            Run invocation could not be completed as block failed: Loader failed X
            2026-01-08T10:30:50.218025Z [error    ] Block run completed.           success=False
            """
        var bytes = Array(text.utf8)
        let x = try #require(bytes.firstIndex(of: 0x58))
        bytes[x] = 0xFE
        let log = LogFileTimeline.parse(bytes, name: "plain.log")
        #expect(log.runs.count == 1 && log.structuredLineCount == 2)
        #expect(log.runs.first?.status == .failed)
        #expect(log.runs.first?.statusReason?.contains("Loader failed \u{FFFD}") == true)
        #expect(log.diagnostics.map(\.description) == ["line 2: bytes that are not UTF-8, shown as U+FFFD"])
    }
}
