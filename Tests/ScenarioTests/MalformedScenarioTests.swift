import Foundation
import Scenario
import Testing

/// What loading one malformed fixture must say.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    /// File name in `Fixtures/malformed/`.
    let file: String
    /// The line the description names (`<file>:<line>:`), or nil when no line applies.
    let line: Int?
    /// The key the description names (`key '<key>':`), or nil when no key applies.
    let key: String?
    /// A fragment of the problem text.
    let problem: String

    var testDescription: String { file }
}

@Suite struct MalformedScenarioTests {
    static let cases: [MalformedCase] = [
        MalformedCase(file: "unknown-top-level-key.yaml", line: 2, key: "colour", problem: "unknown key"),
        MalformedCase(file: "unknown-nested-key.yaml", line: 4, key: "assumed.extract_secs", problem: "unknown key"),
        MalformedCase(file: "http-unknown-endpoint-key.yaml", line: 5, key: "http.api.eror_rate", problem: "unknown key"),
        MalformedCase(file: "http-rates-above-one.yaml", line: 5, key: "http.api.stall_rate",
                      problem: "error, stall and drop rates of 'api' add up to 1.2, more than 1"),
        MalformedCase(file: "packages-string.yaml", line: 2, key: "packages", problem: "expected an integer, got 'lots'"),
        MalformedCase(file: "seed-list.yaml", line: 3, key: "seed", problem: "expected an integer"),
        MalformedCase(file: "invocations-quoted-number.yaml", line: 3, key: "invocations", problem: "expected an integer, got '3'"),
        MalformedCase(file: "error-rate-above-one.yaml", line: 2, key: "error_rate", problem: "value 1.5 is outside [0, 1]"),
        MalformedCase(file: "error-rate-negative.yaml", line: 3, key: "error_rate", problem: "value -0.1 is outside [0, 1]"),
        MalformedCase(file: "packages-negative.yaml", line: 2, key: "packages", problem: "value -5 is outside [1, 1000000]"),
        MalformedCase(file: "workers-zero.yaml", line: 3, key: "workers", problem: "value 0 is outside [1, 256]"),
        MalformedCase(file: "unknown-variant.yaml", line: 2, key: "variants",
                      problem: "unknown variant 'meltano-9.9' (profiles: meltano-3.6.0, meltano-3.7.9, seed-3.7.9, fix-branch, meltano-4.1;"),
        MalformedCase(file: "baseline-not-a-variant.yaml", line: 3, key: "baseline",
                      problem: "'meltano-4.1' is not one of the variants (meltano-3.6.0, meltano-3.7.9)"),
        MalformedCase(file: "duplicate-key.yaml", line: 4, key: "workers", problem: "duplicate key (first set at"),
        MalformedCase(file: "unclosed-bracket.yaml", line: 4, key: nil, problem: "YAML syntax error: did not find expected ',' or ']'"),
        MalformedCase(file: "bad-indentation.yaml", line: 4, key: nil, problem: "YAML syntax error"),
        MalformedCase(file: "on-error-maybe.yaml", line: 2, key: "on_error", problem: "'maybe' is not one of retry, fail"),
        MalformedCase(file: "top-level-list.yaml", line: 1, key: nil, problem: "expected a mapping of scenario keys at the top level"),
        MalformedCase(file: "empty.yaml", line: nil, key: nil, problem: "is empty"),
        MalformedCase(file: "binary-nul-bytes.yaml", line: nil, key: nil, problem: "is not UTF-8 text"),
        MalformedCase(file: "not-utf8.yaml", line: nil, key: nil, problem: "is not UTF-8 text"),
        MalformedCase(file: "section-not-a-mapping.yaml", line: 2, key: "production", problem: "expected a mapping of production.* keys"),
        MalformedCase(file: "name-null.yaml", line: 1, key: "name", problem: "expected a string, got null"),
    ]

    @Test func everyFixtureHasAnExpectationAndViceVersa() throws {
        let folder = try malformedFixturesFolder()
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let listed = Set(Self.cases.map(\.file))
        #expect(onDisk == listed)
        #expect(listed.count == Self.cases.count, "a fixture is listed twice")
        #expect(onDisk.count >= 12)
    }

    @Test(arguments: cases)
    func malformedFixtureIsRejectedWithLineAndKey(_ c: MalformedCase) throws {
        try check(c)
    }

    func check(_ c: MalformedCase) throws {
        let file = try malformedFixturesFolder().appendingPathComponent(c.file)
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(file: file) }
        let text = error.description
        #expect(!text.contains("\n"), "one line: \(text)")
        #expect(!text.contains("\r"), "one line: \(text)")
        #expect(text.contains(c.file))
        #expect(text.contains(c.problem), "\(text)")
        #expect(error.problem.contains(c.problem))
        if let line = c.line {
            #expect(text.hasPrefix("\(file.path):\(line): "), "\(text)")
            #expect(error.location == "\(file.path):\(line)")
        } else {
            #expect(text.hasPrefix("\(file.path): "), "\(text)")
            #expect(error.location == file.path)
        }
        if let key = c.key {
            #expect(error.key == key)
            #expect(text.contains(": key '\(key)': "), "\(text)")
        } else {
            #expect(error.key == nil)
            #expect(!text.contains("key '"), "\(text)")
        }
    }

    /// `load(yaml:)` reports the same as `load(file:)`, under the display name it is given.
    @Test(arguments: cases.filter { !["binary-nul-bytes.yaml", "not-utf8.yaml"].contains($0.file) })
    func textLoadNamesTheDisplayName(_ c: MalformedCase) throws {
        let file = try malformedFixturesFolder().appendingPathComponent(c.file)
        let text = try String(contentsOf: file, encoding: .utf8)
        let shown = "scenarios/\(c.file)"
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: text, displayName: shown) }
        let expectedLocation = c.line.map { "\(shown):\($0)" } ?? shown
        #expect(error.location == expectedLocation)
        #expect(error.key == c.key)
        #expect(error.description.hasPrefix(expectedLocation + ": "))
    }

    @Test func displayNameReplacesThePathForFiles() throws {
        let file = try malformedFixturesFolder().appendingPathComponent("workers-zero.yaml")
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(file: file, displayName: "scenarios/workers-zero.yaml")
        }
        #expect(error.description == "scenarios/workers-zero.yaml:3: key 'workers': value 0 is outside [1, 256]")
    }

    @Test func missingFileCannotBeRead() throws {
        let dir = TemporaryDirectory()
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(file: dir.url.appendingPathComponent("absent.yaml"), displayName: "absent.yaml")
        }
        #expect(error.description.hasPrefix("absent.yaml: cannot be read"))
        #expect(error.key == nil)
    }

    @Test func whitespaceOnlyTextIsEmpty() throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: " \n\t\n", displayName: "blank.yaml") }
        #expect(error.description == "blank.yaml: is empty; expected a mapping of scenario keys")
    }

    /// A multi-line problem is flattened so the description stays one line.
    @Test func descriptionFlattensNewlines() {
        let error = ScenarioError(location: "f.yaml:3", key: "seed", problem: "first\nsecond")
        #expect(error.description == "f.yaml:3: key 'seed': first second")
        #expect(ScenarioError(location: "f.yaml", key: nil, problem: "x").description == "f.yaml: x")
    }
}
