import Foundation
import Model
import Scenario
import TestSupport
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
        MalformedCase(
            file: "http-unknown-endpoint-key.yaml", line: 5, key: "http.api.eror_rate", problem: "unknown key"),
        MalformedCase(
            file: "http-rates-above-one.yaml", line: 5, key: "http.api.stall_rate",
            problem: "error, stall and drop rates of 'api' add up to 1.2, more than 1"),
        MalformedCase(
            file: "packages-string.yaml", line: 2, key: "packages", problem: "expected an integer, got 'lots'"),
        MalformedCase(file: "seed-list.yaml", line: 3, key: "seed", problem: "expected an integer"),
        MalformedCase(
            file: "invocations-quoted-number.yaml", line: 3, key: "invocations", problem: "expected an integer, got '3'"
        ),
        MalformedCase(
            file: "error-rate-above-one.yaml", line: 2, key: "error_rate", problem: "value 1.5 is outside [0, 1]"),
        MalformedCase(
            file: "error-rate-negative.yaml", line: 3, key: "error_rate", problem: "value -0.1 is outside [0, 1]"),
        MalformedCase(
            file: "packages-negative.yaml", line: 2, key: "packages", problem: "value -5 is outside [1, 100000]"),
        MalformedCase(file: "workers-zero.yaml", line: 3, key: "workers", problem: "value 0 is outside [1, 256]"),
        MalformedCase(
            file: "unknown-variant.yaml", line: 2, key: "variants",
            problem:
                "unknown variant 'meltano-9.9' (profiles: "
        ),
        MalformedCase(
            file: "baseline-not-a-variant.yaml", line: 3, key: "baseline",
            problem: "'meltano-4.1' is not one of the variants (meltano-3.6.0, meltano-3.7.9)"),
        MalformedCase(file: "duplicate-key.yaml", line: 4, key: "workers", problem: "duplicate key (first set at"),
        // A nested duplicate: its own lines and dotted name, not the top-level `error_rate` of line 2.
        MalformedCase(
            file: "duplicate-nested-key.yaml", line: 7, key: "http.api.error_rate",
            problem: "duplicate key (first set at"),
        MalformedCase(
            file: "unclosed-bracket.yaml", line: 4, key: nil,
            problem: "YAML syntax error: did not find expected ',' or ']'"),
        MalformedCase(file: "bad-indentation.yaml", line: 4, key: nil, problem: "YAML syntax error"),
        MalformedCase(
            file: "on-error-maybe.yaml", line: 2, key: "on_error", problem: "'maybe' is not one of retry, fail"),
        MalformedCase(
            file: "top-level-list.yaml", line: 1, key: nil,
            problem: "expected a mapping of scenario keys at the top level"),
        MalformedCase(file: "empty.yaml", line: nil, key: nil, problem: "is empty"),
        MalformedCase(file: "binary-nul-bytes.yaml", line: nil, key: nil, problem: "is not UTF-8 text"),
        MalformedCase(file: "not-utf8.yaml", line: nil, key: nil, problem: "is not UTF-8 text"),
        MalformedCase(
            file: "section-not-a-mapping.yaml", line: 2, key: "production",
            problem: "expected a mapping of production.* keys"),
        MalformedCase(file: "name-null.yaml", line: 1, key: "name", problem: "expected a string, got null"),
        MalformedCase(
            file: "workers-fraction.yaml", line: 2, key: "workers", problem: "expected an integer, got '2.5'"),
        MalformedCase(
            file: "workers-overflow.yaml", line: 2, key: "workers", problem: "expected an integer, got '1e400'"),
        MalformedCase(
            file: "error-rate-word.yaml", line: 2, key: "error_rate", problem: "expected a number, got 'high'"),
        MalformedCase(file: "variants-empty.yaml", line: 2, key: "variants", problem: "at least one variant is needed"),
        MalformedCase(
            file: "variants-twice.yaml", line: 2, key: "variants", problem: "variant 'meltano-3.6.0' is listed twice"),
        MalformedCase(file: "seed-negative.yaml", line: 2, key: "seed", problem: "value -1 is outside [0, "),
        MalformedCase(
            file: "catalog-lines-huge.yaml", line: 2, key: "catalog_lines",
            problem: "value 99999999999 is above the limit 100000000 (a production count, only extrapolated"),
        MalformedCase(
            file: "catalog-sample-zero.yaml", line: 2, key: "catalog_sample_lines",
            problem: "value 0 is outside [1, 1000000]"),
        MalformedCase(
            file: "invocations-zero.yaml", line: 2, key: "invocations", problem: "value 0 is outside [1, 100000]"),
        MalformedCase(
            file: "workload-unknown.yaml", line: 2, key: "workload",
            problem: "'batch' is not one of pipeline, microbench"),
        MalformedCase(
            file: "assumed-negative.yaml", line: 4, key: "assumed.extract_seconds",
            problem: "value -3 is outside [0, 86400]"),
        MalformedCase(
            file: "production-runs-zero.yaml", line: 3, key: "production.runs",
            problem: "value 0 is outside [1, 1000000]"),
        MalformedCase(
            file: "state-backend-s3.yaml", line: 2, key: "state_backend", problem: "'s3' is not one of systemdb, file"),
        MalformedCase(
            file: "cost-profile-unknown.yaml", line: 2, key: "cost_profile",
            problem: "'pypy' is not one of cpython, native"),
        MalformedCase(file: "key-is-a-list.yaml", line: 2, key: nil, problem: "keys must be plain names"),
        MalformedCase(
            file: "tab-indentation.yaml", line: 3, key: nil,
            problem: "YAML syntax error: found character that cannot start any token"),
        MalformedCase(
            file: "only-comments.yaml", line: nil, key: nil,
            problem: "expected a mapping of scenario keys at the top level"),
        MalformedCase(
            file: "scalar-root.yaml", line: 1, key: nil, problem: "expected a mapping of scenario keys at the top level"
        ),
        MalformedCase(file: "packages-mapping.yaml", line: 2, key: "packages", problem: "expected an integer"),
        MalformedCase(
            file: "packages-by-variant-malformed.yaml", line: 4, key: "microbench.packages_by_variant",
            problem: "expected VARIANT=N entries with N from 1 to 100000 (the synthetic site-packages is written"),
        // Bounds: no input may cost unbounded memory or CPU (docs/usage.md, "Scenario files and their limits").
        MalformedCase(
            file: "alias-bomb-key.yaml", line: 2, key: "?",
            problem: "more than 300000 YAML nodes with aliases expanded (the limit of a scenario file)"),
        MalformedCase(
            file: "alias-bomb-nested-key.yaml", line: 4, key: "http.api.?", problem: "more than 300000 YAML nodes"),
        MalformedCase(file: "alias-bomb-value.yaml", line: 2, key: "variants", problem: "more than 300000 YAML nodes"),
        MalformedCase(
            file: "catalog-sample-lines-over-limit.yaml", line: 2, key: "catalog_sample_lines",
            problem: "value 1000000000 is above the limit 1000000 (written to a scratch file"),
        MalformedCase(
            file: "http-page-over-limit.yaml", line: 4, key: "http.record_bytes",
            problem: "http.page_records × http.record_bytes is above 67108864 bytes"),
        MalformedCase(
            file: "packages-by-variant-over-limit.yaml", line: 4, key: "microbench.packages_by_variant",
            problem: "expected VARIANT=N entries with N from 1 to 100000"),
    ]

    @Test func everyFixtureHasAnExpectationAndViceVersa() throws {
        let folder = try malformedFixturesFolder()
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let listed = Set(Self.cases.map(\.file))
        #expect(onDisk == listed)
        #expect(listed.count == Self.cases.count, "a fixture is listed twice")
        #expect(
            onDisk.count >= 38, "the bad-input catalogue: 38 files plus a missing file and a directory (LocateTests)")
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
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: " \n\t\n", displayName: "blank.yaml")
        }
        #expect(error.description == "blank.yaml: is empty; expected a mapping of scenario keys")
    }

    /// A multi-line problem is flattened so the description stays one line.
    @Test func descriptionFlattensNewlines() {
        let error = ScenarioError(location: "f.yaml:3", key: "seed", problem: "first\nsecond")
        #expect(error.description == "f.yaml:3: key 'seed': first second")
        #expect(ScenarioError(location: "f.yaml", key: nil, problem: "x").description == "f.yaml: x")
    }
}
