import Foundation
import Testing

@testable import Environment

/// The rule every child process runs under, in the process: output shown without control
/// sequences, limits from the environment, and a child stopped at either limit with its group.
@Suite struct SubprocessTests {
    @Test(arguments: [
        ("\u{1B}[31mred\u{1B}[0m", "red"),
        ("\u{1B}]0;title\u{07}after", "after"),
        ("\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\", "link"),
        ("\u{9B}2Jclear", "clear"),
        ("\u{9D}osc\u{9C}text", "text"),
        ("a\rb\u{08}c\u{00}d\u{7F}e", "abcde"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("\u{1B}(Bcharset", "charset"),
        ("unterminated \u{1B}[31", "unterminated "),
        ("ünïcödé ✓", "ünïcödé ✓"),
    ])
    func strippedKeepsTextAndDropsControls(_ input: String, _ expected: String) {
        #expect(TerminalText.stripped(input) == expected)
    }

    @Test func theEnvironmentReplacesTheLimits() throws {
        let limits = Subprocess.Limits.query
        #expect(try limits.applying([:]) == limits)
        let set = try limits.applying(["SIMULATE_CHILD_TIMEOUT": "2", "SIMULATE_CHILD_OUTPUT_LIMIT": "4096"])
        #expect(set == Subprocess.Limits(seconds: 2, outputBytes: 4096))
        for bad in ["0", "-1", "1.5", "2s", "0x10", " 2", "99999999999999999999"] {
            #expect(throws: Subprocess.Failure.Reason.badSetting(variable: "SIMULATE_CHILD_TIMEOUT", value: bad)) {
                try limits.applying(["SIMULATE_CHILD_TIMEOUT": bad])
            }
        }
    }

    @Test func aChildPastItsTimeLimitIsStoppedWithItsGroup() throws {
        let started = Date()
        #expect(throws: Subprocess.Failure(executable: "/bin/sh", reason: .timedOut(0.3))) {
            try Subprocess.run(
                "/bin/sh", ["-c", "sleep 100 & wait"], limits: Subprocess.Limits(seconds: 0.3, outputBytes: 1024))
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func aChildPastItsOutputLimitIsStopped() throws {
        #expect(
            throws: Subprocess.Failure(executable: "/bin/sh", reason: .printedTooMuch(stream: "stdout", limit: 1024))
        ) {
            try Subprocess.run(
                "/bin/sh", ["-c", "cat /dev/zero"], limits: Subprocess.Limits(seconds: 10, outputBytes: 1024))
        }
    }

    @Test func whatAChildPrintsAndHowItEndedAreKept() throws {
        let result = try Subprocess.run(
            "/bin/sh", ["-c", "echo out; printf 'err\\033[1m!\\n' >&2; exit 3"], limits: .query)
        #expect(result.status == 3 && !result.signalled)
        #expect(result.stdoutText == "out\n")
        #expect(result.lastLine == "err!")
    }
}
