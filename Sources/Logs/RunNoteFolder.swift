import Foundation
import Model

/// Notes about runs, each text once: a text several runs share becomes one line naming them
/// (`runs 1-3, 7: ...`), in the place of its first run's note. A report says each thing once
/// (docs/logs.md, "Notes").
struct RunNoteFolder {
    /// Runs named one by one in a folded line; past them, a count.
    static let rangesListed = 20

    private var notes: [RunNote] = []
    private var runs: [[Int]] = []
    private var position: [RunNote: Int] = [:]

    /// Notes `note` for run `index` (runs come in ascending order). Its text is made once, when
    /// the lines are: a log of 20,000 runs notes 120,000 things, mostly the same few.
    mutating func add(_ index: Int, _ note: RunNote) {
        if let at = position[note] {
            if runs[at].last != index { runs[at].append(index) }
            return
        }
        position[note] = notes.count
        notes.append(note)
        runs.append([index])
    }

    /// `run 4: TEXT` or `runs 1-3, 7: TEXT`, in order of first appearance.
    var lines: [String] {
        zip(runs, notes).map { indices, note in
            indices.count == 1 ? "run \(indices[0]): \(note.text)" : "runs \(Self.ranges(indices)): \(note.text)"
        }
    }

    /// `1-3, 7, 9-12`; past `rangesListed` ranges, `and N more runs`.
    static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < indices.count {
            var j = i
            while j + 1 < indices.count && indices[j + 1] == indices[j] + 1 { j += 1 }
            if parts.count == rangesListed {
                let left = indices.count - i
                parts.append("and \(left) more run\(left == 1 ? "" : "s")")
                break
            }
            parts.append(i == j ? "\(indices[i])" : "\(indices[i])-\(indices[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}

/// One thing the timeline's notes say about a run.
enum RunNote: Hashable {
    case status(RunStatus, String)
    case meltanoEl
    case everyPhaseUnknown(String)
    case phaseUnknown(LogPhase, String)
    case totalUnknown(String)
    case errorLines(Int, first: Int)
    case diagnostic(String)

    var text: String {
        switch self {
        case .status(let status, let reason): "\(status.rawValue): \(reason)"
        case .meltanoEl: "a `meltano el` process: no phases"
        case .everyPhaseUnknown(let reason): "every phase unknown: \(reason)"
        case .phaseUnknown(let phase, let reason): "\(phase.rawValue) unknown: \(reason)"
        case .totalUnknown(let reason): "total unknown: \(reason)"
        case .errorLines(let count, let first): "\(count) error line\(count == 1 ? "" : "s") (first at line \(first))"
        case .diagnostic(let text): text
        }
    }
}

extension RunNote {
    /// Texts compare and hash by their bytes: a `String`'s own `==` and hashing normalize text
    /// that is not ASCII first, and a reason quoting a command of bad bytes cost more to hash than
    /// to make (the timeline fuzzer's slowest input). Two notes whose texts differ only in their
    /// Unicode normal form are printed apart, as the log wrote them.
    static func == (a: RunNote, b: RunNote) -> Bool {
        switch (a, b) {
        case (.status(let s, let x), .status(let t, let y)): s == t && sameBytes(x, y)
        case (.meltanoEl, .meltanoEl): true
        case (.everyPhaseUnknown(let x), .everyPhaseUnknown(let y)), (.totalUnknown(let x), .totalUnknown(let y)),
            (.diagnostic(let x), .diagnostic(let y)):
            sameBytes(x, y)
        case (.phaseUnknown(let p, let x), .phaseUnknown(let q, let y)): p == q && sameBytes(x, y)
        case (.errorLines(let c, let f), .errorLines(let d, let g)): c == d && f == g
        default: false
        }
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var (a, b) = (a, b)
        return a.withUTF8 { a in b.withUTF8 { b in a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }

    func hash(into hasher: inout Hasher) {
        func combine(_ text: String) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        switch self {
        case .status(let status, let reason):
            hasher.combine(0)
            hasher.combine(status)
            combine(reason)
        case .meltanoEl: hasher.combine(1)
        case .everyPhaseUnknown(let reason):
            hasher.combine(2)
            combine(reason)
        case .phaseUnknown(let phase, let reason):
            hasher.combine(3)
            hasher.combine(phase)
            combine(reason)
        case .totalUnknown(let reason):
            hasher.combine(4)
            combine(reason)
        case .errorLines(let count, let first):
            hasher.combine(5)
            hasher.combine(count)
            hasher.combine(first)
        case .diagnostic(let text):
            hasher.combine(6)
            combine(text)
        }
    }
}
