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

/// Diagnostics with a cap per kind, so a 100 MB log of bad lines cannot fill memory with them:
/// the first `keep` of each kind are kept and the rest counted.
struct DiagnosticLog: Sendable {
    private(set) var kept: [LogDiagnostic] = []
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    let keep: Int

    init(keep: Int = 5) { self.keep = keep }

    /// The message is formatted only while the kind has fewer than `keep`.
    mutating func add(_ kind: String, line: Int?, _ message: @autoclosure () -> String) {
        let n = counts[kind, default: 0]
        if n == 0 { order.append(kind) }
        counts[kind] = n + 1
        if n < keep { kept.append(LogDiagnostic(line: line, message())) }
    }

    /// The kept diagnostics in order, then one line per kind that had more than `keep`.
    var all: [LogDiagnostic] {
        kept
            + order.compactMap { kind in
                let n = counts[kind]!
                return n > keep ? LogDiagnostic(line: nil, "\(n - keep) more like that: \(kind)") : nil
            }
    }
}
