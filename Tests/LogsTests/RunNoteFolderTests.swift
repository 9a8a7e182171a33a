import Foundation
import Model
import Testing

@testable import Logs

/// A note several runs share is one line naming them, where the first of them would be.
@Suite struct RunNoteFolderTests {
    @Test func rangesJoinConsecutiveRunsAndCountPastTheLimit() {
        #expect(RunNoteFolder.ranges([4]) == "4")
        #expect(RunNoteFolder.ranges([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10")
        let scattered = Array(stride(from: 1, through: 99, by: 2))  // 50 runs, none consecutive
        let text = RunNoteFolder.ranges(scattered)
        #expect(text.hasPrefix("1, 3, 5, "))
        #expect(text.hasSuffix(", 39, and 30 more runs"), "\(text)")
    }

    /// Texts are told apart by their bytes, as the log wrote them: the same bytes fold, two
    /// normal forms of one text do not, and notes of different kinds never do.
    @Test func notesAreTheSameByTheirBytes() {
        var folder = RunNoteFolder()
        folder.add(1, .diagnostic("caf\u{E9} \u{FFFD}"))
        folder.add(2, .diagnostic("cafe\u{301} \u{FFFD}"))
        folder.add(3, .diagnostic("caf\u{E9} \u{FFFD}"))
        folder.add(3, .totalUnknown("caf\u{E9} \u{FFFD}"))
        folder.add(4, .errorLines(2, first: 7))
        folder.add(5, .errorLines(2, first: 7))
        #expect(
            folder.lines == [
                "runs 1, 3: caf\u{E9} \u{FFFD}", "run 2: cafe\u{301} \u{FFFD}",
                "run 3: total unknown: caf\u{E9} \u{FFFD}",
                "runs 4-5: 2 error lines (first at line 7)",
            ])
        #expect(RunNote.phaseUnknown(.extraction, "x") != .phaseUnknown(.targetTail, "x"))
        #expect(RunNote.status(.partial, "x") != .status(.failed, "x"))
    }

    @Test func sharedNotesFoldInOrderOfFirstAppearance() {
        var folder = RunNoteFolder()
        folder.add(1, .status(.partial, "cut at line 2"))
        folder.add(1, .phaseUnknown(.extraction, "no reader"))
        folder.add(2, .status(.partial, "cut at line 3"))
        folder.add(2, .phaseUnknown(.extraction, "no reader"))
        folder.add(2, .phaseUnknown(.extraction, "no reader"))  // twice for one run: named once
        folder.add(3, .phaseUnknown(.extraction, "no reader"))
        folder.add(5, .phaseUnknown(.extraction, "no reader"))
        #expect(
            folder.lines == [
                "run 1: partial: cut at line 2", "runs 1-3, 5: extraction unknown: no reader",
                "run 2: partial: cut at line 3",
            ])
    }

    /// Through the whole timeline: 300 runs cut short the same way say each phase's reason once.
    @Test func aLogOfIdenticalPartialRunsSaysEachReasonOnce() {
        let line = "2026-01-08T10:30:49.218025Z [info     ] Environment 'dev' is active\n"
        let log = LogFileTimeline.parse(Array(String(repeating: line, count: 300).utf8), name: "runs.log")
        let notes = TimelineMarkdown.notes(log)
        #expect(notes.filter { $0.hasPrefix("runs 1-300: ") }.count == LogPhase.allCases.count, "\(notes.prefix(12))")
        #expect(notes.filter { $0.contains(": partial: ") }.count == 300)  // each names its own line
        #expect(!notes.contains { $0.hasPrefix("run 2: extraction") })
    }
}
