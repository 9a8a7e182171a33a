import Analysis
import Foundation
import Testing

@testable import Report

/// What a maintainer pastes into an issue: checked on summaries whose numbers differ from the
/// committed example, so that fixed prose (written for one run) shows up as wrong.
@Suite struct ReportProseTests {
    let cwd = "/home/tester/project"

    /// The headline: the first non-empty line after the title.
    func headline(_ report: String) -> String {
        report.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
    }

    /// Sentences end with `.`, `!` or `?` followed by a space or the end ("+0.30" and "4.1" do not end one).
    func sentences(_ text: String) -> Int {
        let chars = Array(text)
        return chars.indices.filter { i in ".!?".contains(chars[i]) && (i + 1 == chars.count || chars[i + 1] == " ") }
            .count
    }

    /// The bullet of one variant in "Where the regression comes from".
    func attributionLine(_ report: String, _ variant: String) throws -> String {
        try #require(
            report.split(separator: "\n").first { $0.hasPrefix("- `\(variant)` (") }.map(String.init),
            "no line for \(variant)")
    }

    func section(_ report: String, _ title: String) throws -> String {
        let start = try #require(report.range(of: "## \(title)\n"), "no section \(title)")
        let rest = report[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    @Test func discoveryScansNotTheCatalogWriteExplainTheRegression() throws {
        let s = try SyntheticRuns.scansExplain()
        let v = try #require(s.variants.first { $0.name == "meltano-3.7.9" })
        #expect(v.topPhase == .settings)
        let report = MarkdownReport.render(s, cwd: cwd)

        #expect(report.hasPrefix("# simulate --scenario synthetic\n\n"))
        let line = headline(report)
        #expect(line == s.headline)
        #expect(sentences(line) <= 2, "\(line)")
        #expect(
            line.hasPrefix(
                "Regression against meltano-3.6.0 over the 9-run production workload: meltano-3.7.9 +0.30 min ["),
            "\(line)")
        #expect(line.contains("of which pre-plugin/settings +0.30 min (100%)"), "\(line)")
        #expect(line.contains("discovery scans at most +0.30 min in any variant"), "\(line)")
        #expect(!line.contains("catalog-write"), "\(line)")
        #expect(
            line.contains("Within noise (interval includes 0): persistent +0.08 min [")
                || line.contains("within noise (interval includes 0): persistent +0.08 min ["),
            "\(line)")

        let scans = try attributionLine(report, "meltano-3.7.9")
        #expect(scans.contains("settings explains most of it, +0.30 min (100%)"), "\(scans)")
        #expect(scans.contains("by kind of work, discovery scans +0.30 min (100%)."), "\(scans)")
        #expect(!scans.contains("catalog"), "\(scans)")

        // persistent: +0.08 min is above the analyzer's size gate, but its interval includes 0: no share, no "explains".
        let p = try #require(s.variants.first { $0.name == "persistent" })
        let r = try #require(p.regressionMinutes)
        #expect(r.low < 0 && r.high > 0 && r.estimate >= RunAnalyzer.minimumShareableMinutes, "\(r)")
        #expect(p.topPhase == .catalogWrite)  // the analyzer's own gate is size only
        let noisy = try attributionLine(report, "persistent")
        #expect(noisy.contains("within noise (the 95% interval includes 0)"), "\(noisy)")
        #expect(!noisy.contains("explains"), "\(noisy)")
        let regression = try section(report, "Where the regression comes from")
        #expect(regression.contains("not for `persistent` (+0.08 ["), "\(regression)")
        #expect(regression.contains("| pre-plugin/catalog-write | sampled | +0.00 (0%) | +0.08 |"), "\(regression)")
        #expect(regression.contains("| discovery scans | +0.30 (100%) | +0.00 |"), "\(regression)")
        #expect(regression.contains("| **total** |  | **+0.30** | **+0.08** (within noise) |"), "\(regression)")
        #expect(
            regression.contains(
                "start/other 4 s, pre-plugin/other 7 s, extraction/tap 53 s, target-tail/target 21 s, load-finalize/target 0 s, state-write/other 0 s per run, are the same in every variant"
            ))

        // Observed: +0.3 min in production, inside the run's interval; catalog-write explains nothing, so no catalog caveat.
        let observed = try section(report, "Observed in production")
        #expect(observed.contains("the observed +0.3 min lies inside that interval"), "\(observed)")
        #expect(!observed.contains("catalog_lines"), "\(observed)")
        // The native profile pads nothing, and there is no extract phase to describe.
        let phases = try section(report, "Phases")
        #expect(phases.contains("(not padded: cost profile `native`;"), "\(phases)")
        #expect(!phases.contains("`extract` is"), "\(phases)")
    }

    @Test func nothingBeyondNoiseSaysSoEverywhere() throws {
        let s = try SyntheticRuns.nothingBeyondNoise()
        let report = MarkdownReport.render(s, cwd: cwd)
        let line = headline(report)
        #expect(line == s.headline)
        #expect(sentences(line) == 1, "\(line)")
        #expect(line.contains("persistent +0.08 min ["), "\(line)")
        #expect(
            line.contains("(95% interval), within noise (the interval includes 0); discovery scans +0.00 min."),
            "\(line)")
        #expect(!line.contains("of which"), "\(line)")

        let regression = try section(report, "Where the regression comes from")
        #expect(regression.contains("at least 0.05 min: no variant's is, so there are no shares."), "\(regression)")
        #expect(!regression.contains("%)"), "no share anywhere: \(regression)")
        #expect(!regression.contains("explains"), "\(regression)")
        #expect(try attributionLine(report, "persistent").contains("within noise"))
        // No observed regression in this scenario: no section that would claim one.
        #expect(!report.contains("## Observed in production"))
        // The variants table says which interval includes 0.
        #expect(report.contains("| +0.08 ["), "\(report)")
        #expect(report.contains("] within noise | no (p = "), "\(report)")
    }

    @Test func aBeyondNoiseRegressionUnderHalfIsNotMost() throws {
        // meltano-3.7.9: +1 s per run in settings scans and +1.5 s in the catalog write (sampled ×10), +0.5 s elsewhere:
        // catalog-write is the largest part but under half.
        let more = [
            SyntheticRuns.phase(.settings, seconds: 1.1, scans: 1, scanSeconds: 1.0),
            SyntheticRuns.phase(.stateLookup, seconds: 0.7), SyntheticRuns.catalog(0.2),
            SyntheticRuns.phase(.teardown, seconds: 0.6),
        ]
        let s = try SyntheticRuns.summary([
            ("meltano-3.6.0", [0.049, 0.051, 0.05, 0.05].map { SyntheticRuns.plain(catalogSeconds: $0) }),
            ("meltano-3.7.9", [more, more, more, more]),
        ])
        let line = try attributionLine(MarkdownReport.render(s, cwd: cwd), "meltano-3.7.9")
        #expect(line.contains("the largest part is pre-plugin/catalog-write, +0.2"), "\(line)")
        #expect(line.contains(" min (43%); by kind of work, catalog write"), "\(line)")
        #expect(!line.contains("explains most"), "\(line)")
    }

    @Test func noAbsolutePathOfThisMachine() throws {
        var s = try SyntheticRuns.scansExplain()
        s.command = "simulate --scenario /srv/elsewhere/my.yaml --set cost_file=\(cwd)/scenarios/costs/x.json"
        s.scenario.file = "/srv/elsewhere/my.yaml"
        s.costProfile.file = "/opt/profiles/calibrated.json"
        s.costProfile.calibration = ["interpreter": "/usr/local/bin/python3.12", "date": "2026-01-01"]
        s.costProfile.units = ["scan.fixed_us": 300]
        s.environment.description =
            "real environment: 12 distributions at /usr/lib/python3/dist-packages, \(cwd)/runs/.cache/env"
        for i in s.scenario.knobs.indices where s.scenario.knobs[i].origin != "default" {
            s.scenario.knobs[i].origin = "/srv/elsewhere/my.yaml:3"
        }
        let report = MarkdownReport.render(s, cwd: cwd)
        for absolute in ["/srv/", "/opt/", "/usr/", cwd] {
            #expect(!report.contains(absolute), "\(absolute) in the report")
        }
        #expect(
            report.contains("simulate --scenario <outside>/my.yaml --set cost_file=scenarios/costs/x.json\n"),
            "in the code block as is")
        #expect(report.contains("Scenario file `<outside>/my.yaml`."))
        #expect(report.contains("Cost profile `native` (`<outside>/calibrated.json`"))
        #expect(
            report.contains("at `<outside>/dist-packages`, runs/.cache/env."),
            "prose: a code span, so that GitHub shows `<outside>`")
        #expect(report.contains("| `<outside>/my.yaml`:3 |"))
        #expect(report.contains("Interpreter: `<outside>/python3.12`"))
        // Any other absolute path: a `/` after a space, quote, bracket, `=` or `:` and before a name.
        let lines = report.split(separator: "\n")
        for line in lines {
            let chars = Array(line)
            for i in chars.indices.dropLast() where chars[i] == "/" && chars[i + 1].isLetter {
                let before: Character = i == 0 ? " " : chars[i - 1]
                #expect(!" `(=:\"'[".contains(before), "absolute path in: \(line)")
            }
        }
    }

    @Test func titleFirstAndLongTablesFoldedWithABlankLineAfterTheSummary() throws {
        let s = try SyntheticRuns.scansExplain()
        let report = MarkdownReport.render(s, cwd: cwd)
        let lines = report.components(separatedBy: "\n")
        #expect(lines[0] == "# simulate --scenario synthetic")
        #expect(lines[1].isEmpty)
        #expect(!report.contains("!["), "no image link: it breaks in an issue")
        #expect(report.contains("`chart.svg`"))
        // Every table: over 12 rows only inside <details>; a <summary> line is followed by a blank line.
        var depth = 0
        var tableRows = 0
        var folded = 0
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("<details>") {
                depth += 1
                #expect(line.hasSuffix("</summary>") && lines[i + 1].isEmpty, "line \(i): \(line)")
            }
            if line.hasPrefix("</details>") { depth -= 1 }
            if line.hasPrefix("|") {
                tableRows += 1
            } else if tableRows > 0 {
                let rows = tableRows - 2
                if rows > MarkdownReport.foldRows {
                    #expect(depth > 0, "a \(rows)-row table ending at line \(i) is not folded")
                    folded += 1
                }
                tableRows = 0
            }
        }
        #expect(depth == 0)
        #expect(folded >= 2, "phases and knobs")
    }
}
