import Foundation
import Scenario
import TestSupport
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
    let fixtures = try #require(
        Bundle.module.url(forResource: "Fixtures", withExtension: nil),
        "the Fixtures folder is missing from the test bundle")
    return fixtures.appendingPathComponent("malformed", isDirectory: true)
}
