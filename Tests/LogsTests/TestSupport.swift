import Foundation
import Logs
import Model

/// Where the tests find their inputs.
enum LogFixtures {
    /// The repository root (symlinks resolved, so a scratch package linking these sources finds it too).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var matatikaFolder: URL { repository.appendingPathComponent("scenarios/matatika-logs") }

    static let ok = "OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
    static let slowVersion = "SLOW-f78c1b80-9431-4a29-98d7-439f20cf2833.txt"
    static let slowOther = "SLOW-0c2a020f-ce25-4d19-b4c5-8eed72c692da.txt"
    static let matatika = [ok, slowVersion, slowOther]

    static func matatikaPath(_ name: String) -> String { matatikaFolder.appendingPathComponent(name).path }

    static func matatikaText(_ name: String) throws -> String {
        try String(contentsOfFile: matatikaPath(name), encoding: .utf8)
    }

    static func matatikaLines(_ name: String) throws -> [String] {
        try matatikaText(name).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The folder of committed fixtures (copied into the test bundle).
    static var fixtures: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func parse(_ text: String, name: String = "test.log") -> LogFileTimeline {
        LogFileTimeline.parse(Array(text.utf8), name: name)
    }

    static func parse(lines: [String], name: String = "test.log") -> LogFileTimeline {
        parse(lines.joined(separator: "\n") + "\n", name: name)
    }
}

extension RunTimeline {
    func seconds(_ phase: LogPhase) -> Double? { duration(phase).seconds }
}
