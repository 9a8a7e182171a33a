import Foundation
import Model
import Scenario
import Testing

@Suite struct OverrideTests {
    static let matatikaName = "scenarios/matatika.yaml"

    func matatika(_ overrides: [ScenarioOverride]) throws -> Scenario {
        try ScenarioLoader.load(
            file: repositoryScenario("matatika"), displayName: Self.matatikaName, overrides: overrides)
    }

    @Test func setChangesValueAndOrigin() throws {
        let s = try matatika([try ScenarioOverride.parseSet("error_rate=0.2")])
        #expect(s.errorRate == 0.2)
        #expect(s.values["error_rate"] == .double(0.2))
        #expect(s.origins["error_rate"] == "command line (--set)")
        #expect(s.commandLineOverrides == ["--set", "error_rate=0.2"])
        // Everything else keeps its file origin.
        #expect(s.origins["packages"] == "\(Self.matatikaName):176")
        #expect(s.packages == 200)
    }

    @Test func namedFlagChangesValueAndOrigin() throws {
        let s = try matatika([
            ScenarioOverride(key: "packages", text: "500", flag: "--packages"),
            ScenarioOverride(key: "workers", text: "4", flag: "--workers"),
        ])
        #expect(s.packages == 500)
        #expect(s.workers == 4)
        #expect(s.origins["packages"] == "command line (--packages)")
        #expect(s.origins["workers"] == "command line (--workers)")
        #expect(s.commandLineOverrides == ["--set", "workers=4", "--set", "packages=500"])
    }

    @Test func laterOverrideWins() throws {
        let s = try matatika([
            ScenarioOverride(key: "packages", text: "500", flag: "--packages"),
            try ScenarioOverride.parseSet("packages=600"),
        ])
        #expect(s.packages == 600)
        #expect(s.origins["packages"] == "command line (--set)")
    }

    @Test func overrideOfNestedAndDefaultedKeys() throws {
        let s = try matatika([
            try ScenarioOverride.parseSet("production.gap_seconds=3"),
            try ScenarioOverride.parseSet("lock-timeout-seconds=2.5"),
        ])
        #expect(s.productionGapSeconds == 3)
        #expect(s.origins["production.gap_seconds"] == "command line (--set)")
        #expect(s.lockTimeoutSeconds == 2.5)
        #expect(s.origins["lock_timeout_seconds"] == "command line (--set)")
    }

    @Test func unknownKeyIsNamed() throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([try ScenarioOverride.parseSet("nosuch=1")])
        }
        #expect(error.description == "command line (--set): key 'nosuch': unknown key")
    }

    @Test func badIntegerNamesTheKey() throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([try ScenarioOverride.parseSet("packages=abc")])
        }
        #expect(error.key == "packages")
        #expect(error.description == "command line (--set): key 'packages': expected an integer, got 'abc'")
    }

    @Test func namedFlagErrorNamesTheFlag() throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([ScenarioOverride(key: "error_rate", text: "1.5", flag: "--error-rate")])
        }
        #expect(error.description == "command line (--error-rate): key 'error_rate': value 1.5 is outside [0, 1]")
    }

    @Test(arguments: [
        ("workers=0", "command line (--set): key 'workers': value 0 is outside [1, 256]"),
        ("error_rate=abc", "command line (--set): key 'error_rate': expected a number, got 'abc'"),
        ("error_rate=nan", "command line (--set): key 'error_rate': expected a number, got 'nan'"),
        ("on_error=maybe", "command line (--set): key 'on_error': 'maybe' is not one of retry, fail"),
        (
            "observed.regressed_variant=nope",
            "command line (--set): key 'observed.regressed_variant': 'nope' is not one of the variants"
        ),
    ])
    func badValuesAreRejected(assignment: String, expected: String) throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([try ScenarioOverride.parseSet(assignment)])
        }
        #expect(error.description == expected)
    }

    @Test func variantsOverrideWithBaselineKept() throws {
        let s = try matatika([try ScenarioOverride.parseSet("variants=meltano-3.6.0,persistent")])
        #expect(s.variants.map(\.name) == ["meltano-3.6.0", "persistent"])
        #expect(s.baseline.name == "meltano-3.6.0")
        #expect(s.origins["variants"] == "command line (--set)")
        #expect(s.commandLineOverrides == ["--set", "variants=meltano-3.6.0,persistent"])
    }

    @Test func variantsOverrideDroppingTheBaselineFails() throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([try ScenarioOverride.parseSet("variants=meltano-3.7.9, persistent")])
        }
        #expect(error.key == "baseline")
        #expect(error.problem == "'meltano-3.6.0' is not one of the variants (meltano-3.7.9, persistent)")
    }

    @Test func unknownVariantOnTheCommandLine() throws {
        let error = try #require(throws: ScenarioError.self) {
            try matatika([ScenarioOverride(key: "variants", text: "meltano-3.6.0,bogus", flag: "--variants")])
        }
        #expect(error.description.hasPrefix("command line (--variants): key 'variants': unknown variant 'bogus'"))
    }

    @Test func parseSetSplitsAtTheFirstEquals() throws {
        let o = try ScenarioOverride.parseSet("error-rate=0.3")
        #expect(o.key == "error_rate")
        #expect(o.text == "0.3")
        #expect(o.flag == "--set")
        let d = try ScenarioOverride.parseSet("description=a=b")
        #expect(d.key == "description")
        #expect(d.text == "a=b")
        let empty = try ScenarioOverride.parseSet("cost_file=")
        #expect(empty.text == "")
    }

    @Test(arguments: ["novalue", "=1", ""])
    func parseSetRejectsMissingKeyOrEquals(_ assignment: String) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioOverride.parseSet(assignment) }
        #expect(error.description == "command line (--set): expected key=value, got '\(assignment)'")
    }
}

/// A number means the same in a scenario file as on the command line.
@Suite struct NumberSpellingTests {
    @Test(arguments: [
        ("workers", "_5_"), ("workers", "010"), ("workers", "0x10"), ("error_rate", "0x1p-1"),
        ("error_rate", "0x10"), ("seed", "-0"),
    ])
    func refusedInTheFileAndOnTheCommandLine(key: String, text: String) {
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: "name: n\n\(key): \(text)\n", displayName: "n.yaml")
        }
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(
                yaml: "name: n\n", displayName: "n.yaml",
                overrides: [ScenarioOverride(key: key, text: text, flag: "--set")])
        }
    }

    @Test func groupedDigitsMeanTheSameEverywhere() throws {
        let file = try ScenarioLoader.load(yaml: "name: n\npackages: 1_000\n", displayName: "n.yaml")
        let flag = try ScenarioLoader.load(
            yaml: "name: n\n", displayName: "n.yaml",
            overrides: [ScenarioOverride(key: "packages", text: "1_000", flag: "--packages")])
        #expect(file.packages == 1000 && flag.packages == 1000)
    }
}
