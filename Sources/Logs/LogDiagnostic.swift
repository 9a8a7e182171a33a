/// Something about a log worth telling the reader: where, and what.
public struct LogDiagnostic: Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line it is about, when it is about one.
    public var line: Int?
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `line 12: message`, or just the message.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// The kinds of file-level finding a log reader counts, each with the words its "more like that"
/// line uses: declared once, so a kind is a case the compiler checks, and counting one is an array
/// index rather than a string hashed on every line of a 100 MB log.
enum LogDiagnosticKind: Int, CaseIterable, Sendable {
    case invalidUTF8, impossibleTimestamp, clockBackwards, linesAfterBlock, interleaved, overlongLines

    var words: String {
        switch self {
        case .invalidUTF8: "bytes that are not UTF-8"
        case .impossibleTimestamp: "impossible timestamps"
        case .clockBackwards: "the clock goes backwards"
        case .linesAfterBlock: "Meltano lines after `Block run completed.`"
        case .interleaved: "interleaved processes"
        case .overlongLines: "overlong lines"
        }
    }
}

/// Diagnostics with a cap per kind, so a 100 MB log of bad lines cannot fill memory with them:
/// the first `keep` of each kind are kept and the rest counted.
struct DiagnosticLog: Sendable {
    private(set) var kept: [LogDiagnostic] = []
    private var counts = [Int](repeating: 0, count: LogDiagnosticKind.allCases.count)
    private var order: [LogDiagnosticKind] = []
    let keep: Int

    init(keep: Int = 5) { self.keep = keep }

    /// The message is formatted only while the kind has fewer than `keep`.
    mutating func add(_ kind: LogDiagnosticKind, line: Int?, _ message: @autoclosure () -> String) {
        let n = counts[kind.rawValue]
        if n == 0 { order.append(kind) }
        counts[kind.rawValue] = n + 1
        if n < keep { kept.append(LogDiagnostic(line: line, message())) }
    }

    /// The kept diagnostics in order, then one line per kind that had more than `keep`.
    var all: [LogDiagnostic] {
        kept
            + order.compactMap { kind in
                let n = counts[kind.rawValue]
                return n > keep ? LogDiagnostic(line: nil, "\(n - keep) more like that: \(kind.words)") : nil
            }
    }
}
