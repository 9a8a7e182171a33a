import Foundation
import Scenario
import Testing

/// The package root, found from this file's path (Tests/ScenarioTests/TestSupport.swift).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // ScenarioTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root

/// One of the repository's real scenario files.
func repositoryScenario(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent("scenarios").appendingPathComponent("\(name).yaml")
}

/// The malformed fixtures, as copied into the test bundle.
func malformedFixturesFolder() throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil),
                                "the Fixtures folder is missing from the test bundle")
    return fixtures.appendingPathComponent("malformed", isDirectory: true)
}

/// A fresh folder under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("scenariotests-\(safe)-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` at `relativePath`, creating folders on the way.
    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
