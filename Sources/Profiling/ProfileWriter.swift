import Foundation
import Model

/// Writes a release profile file and says what it holds.
public enum ProfileWriter {
    /// The file's JSON: keys sorted, so that two probes of a release diff cleanly.
    public static func encoded(_ file: ReleaseProfileFile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file) + Data("\n".utf8)
    }

    /// Writes `file` to `url` whole or not at all (a temporary file renamed into place).
    public static func write(_ file: ReleaseProfileFile, to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoded(file).write(to: url, options: .atomic)
    }

    /// A few lines: the behaviour and the counts it rests on.
    public static func describe(_ p: ReleaseProfile, report: ProbeReport) -> String {
        let r = report.runs
        func calls(_ run: ProbeReport.Run) -> String {
            run.entryPointCalls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return """
            \(p.name): \(p.summary)
              discovery \(p.strategy.rawValue); systemdb short-cut \(p.systemdbShortCircuit); settings scan \(p.scansSettingsGroup); \
            error raised twice \(p.tapErrorRaisedTwice); path entries listed at import \(p.listsPathEntriesAtImport)
              catalog \(p.catalogWrite.rawValue) (\(String(format: "%.2f", report.catalog.handoffsPerLine)) hand-offs per line)
              entry-point calls: systemdb run [\(calls(r.systemdb))], file run [\(calls(r.file))], unknown scheme [\(calls(r.unknownScheme))]
              error message: \(p.errorMessage.template)\(p.errorMessage.callsBackends ? " (calls backends())" : "")
            """
    }
}
