import Environment
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

    /// Writes `file` to `url` whole or not at all, by the one rule for files the tool writes
    /// (`OutputFile`: a regular file or nothing at the path, in a folder that exists).
    public static func write(_ file: ReleaseProfileFile, to url: URL) throws {
        try OutputFile.write(encoded(file), to: url)
    }

    /// A few lines: the behaviour and the counts it rests on.
    public static func describe(_ p: ReleaseProfile, report: ProbeReport) -> String {
        let r = report.runs
        // The release's own texts (group names, its error message) reach the terminal as one line each.
        func shown(_ text: String) -> String {
            TerminalText.stripped(text).replacingOccurrences(of: "\n", with: " ")
        }
        func calls(_ run: ProbeReport.Run) -> String {
            run.entryPointCalls.sorted { $0.key < $1.key }.map { "\(shown($0.key)) \($0.value)" }
                .joined(separator: ", ")
        }
        return """
            \(p.name): \(p.summary)
              discovery \(p.strategy.rawValue); systemdb short-cut \(p.systemdbShortCircuit); settings scan \(p.scansSettingsGroup); \
            error raised twice \(p.tapErrorRaisedTwice); path entries listed at import \(p.listsPathEntriesAtImport)
              catalog \(p.catalogWrite.rawValue) (\(String(format: "%.2f", report.catalog.handoffsPerLine)) hand-offs per line)
              entry-point calls: systemdb run [\(calls(r.systemdb))], file run [\(calls(r.file))], unknown scheme [\(calls(r.unknownScheme))]
              error message: \(shown(p.errorMessage.template))\(p.errorMessage.callsBackends ? " (calls backends())" : "")
            """
    }
}
