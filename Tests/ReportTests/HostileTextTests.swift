import Foundation
import Model
import TestSupport
import Testing

@testable import Report

/// Text from outside (job names, the scenario's description, knob values, file names) in REPORT.md,
/// FIT.md, SWEEP.md and compare: it reads as itself and never breaks out of its table, fold, code span
/// or block; and no path of this machine reaches them (issue 21, "output that is unsafe to paste").
struct HostileTextTests {
    static let hostile = "a\rb | c ``` </details> <img src=x onerror=alert(1)>"

    /// The Markdown's own structure, whatever the text inside: every table row has its header's
    /// columns, folds and fences close, no carriage return, no raw HTML outside code (a `<` not
    /// backslash-escaped), no heading but the tool's own.
    static func checkStructure(_ markdown: String, headings: Set<String>) {
        #expect(!markdown.contains("\r"))
        var columns: Int? = nil
        var fence: Int? = nil
        var folds = 0
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let run = line.prefix { $0 == "`" }.count
            if let open = fence {
                if run >= open && line.dropFirst(run).allSatisfy(\.isWhitespace) { fence = nil }
                continue
            }
            if run >= 3 {
                fence = run
                continue
            }
            let prose = ReportPaths.segments(line).filter { !$0.1 }.map(\.0).joined()
            folds +=
                prose.components(separatedBy: "<details>").count - prose.components(separatedBy: "</details>").count
            #expect(
                rawTags(prose).allSatisfy { ["<details>", "</details>", "<summary>", "</summary>"].contains($0) },
                "\(line)")
            if line.hasPrefix("#") { #expect(headings.contains { line.hasPrefix($0) }, "\(line)") }
            if line.hasPrefix("|") {
                let breaks = MarkdownRows.cellBreaks(String(line))
                #expect(breaks == (columns ?? breaks), "\(line)")
                columns = columns ?? breaks
            } else {
                columns = nil
            }
        }
        #expect(fence == nil, "a fence left open")
        #expect(folds == 0, "folds opened and closed")
    }

    /// Each `<` not escaped by a backslash, up to its `>`: what GitHub would take for HTML.
    static func rawTags(_ text: String) -> [String] {
        var tags: [String] = []
        var escaped = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "<" && !escaped {
                let end = text[i...].firstIndex(of: ">").map { text.index(after: $0) } ?? text.endIndex
                tags.append(String(text[i..<end]))
            }
            escaped = c == "\\" && !escaped
            i = text.index(after: i)
        }
        return tags
    }

    static let reportHeadings: Set<String> = ["# simulate --scenario", "## ", "### "]

    @Test func hostileJobNamesAndDescriptionStayInTheirCells() throws {
        let workload = """
            description: "\(Self.hostile.replacingOccurrences(of: "\r", with: "\\r")) # not a heading"
            catalog_sample_lines: 10
            production:
              period: "1 day\\r# heading"
            jobs:
              - {name: "\(Self.hostile.replacingOccurrences(of: "\r", with: "\\r"))", runs: 2, catalog_lines: 100, state_messages: 1, records: 0}
              - {name: "# heading\\n</details>", runs: 2, catalog_lines: 100, state_messages: 1, records: 0}
            """
        typealias R = SyntheticRuns
        let s = try R.summary(
            [
                ("meltano-3.6.0", [0.049, 0.051, 0.05, 0.05].map { R.plain(catalogSeconds: $0) }),
                ("meltano-3.7.9", [2.0, 2.02, 1.98, 2.0].map { R.plain(settingsSeconds: 0.1 + $0) }),
            ], workload: workload)
        let report = MarkdownReport.render(s, cwd: "/home/u/p")
        #expect(report.contains("## Jobs") && report.contains("## Knobs"))
        Self.checkStructure(report, headings: Self.reportHeadings)
        // The name is still there to read, as text.
        #expect(report.contains("a␍b \\| c"), "\(report)")
    }

    @Test func theReproduceLineOfAScenarioOutsideIsQuotedNotARedirection() {
        let line = ReportPaths.reproduceLine(
            ["simulate", "--scenario", "/elsewhere/x/smoke.yaml", "--set", "site_packages=/a b/sp,/c/sp"],
            cwd: "/home/u/p")
        #expect(line == "simulate --scenario '<outside>/smoke.yaml' --set 'site_packages=<outside>/sp,<outside>/sp'")
        #expect(
            ReportPaths.reproduceLine(["simulate", "--scenario", "/home/u/p/scenarios/smoke.yaml"], cwd: "/home/u/p")
                == "simulate --scenario scenarios/smoke.yaml")
    }

    @Test func aSitePackagesPathWithSpacesIsShownWhole() throws {
        let path = "/home/someone/my envs/site-packages"
        var s = try SyntheticRuns.summary(
            [
                ("meltano-3.6.0", [0.05, 0.05].map { SyntheticRuns.plain(catalogSeconds: $0) }),
                ("meltano-3.7.9", [0.05, 0.05].map { SyntheticRuns.plain(catalogSeconds: $0) }),
            ], workload: "site_packages: [\"\(path)\"]\n" + SyntheticRuns.singleJob)
        s.environment.description = "existing environment: 20 distributions (5 with entry_points.txt) in \(path)"
        s.command = ShellCommand.line(["simulate", "--scenario", "synthetic.yaml", "--set", "site_packages=\(path)"])
        let report = MarkdownReport.render(s, cwd: "/home/u/p")
        #expect(!report.contains("someone") && !report.contains("my envs") && !report.contains("/home"), "\(report)")
        #expect(report.contains("`<outside>/site-packages`"))
    }

    @Test func fitSweepAndCompareEscapeTheirNames() {
        let fit = FitReport.markdown(
            scenario: "smoke", knob: "catalog_lines", integer: true, variant: "v`</details>", observed: 1,
            sentence: "Found\r# it", steps: [],
            command: ReportPaths.reproduceLine(["simulate", "fit", "--scenario", "/x/y.yaml"], cwd: "/home/u/p"))
        Self.checkStructure(fit, headings: ["# simulate fit"])
        #expect(fit.contains("simulate fit --scenario '<outside>/y.yaml'"))
        let sweep = SweepReport.markdown(
            scenario: "smoke", baseline: "base",
            axes: [(key: "description", values: [.string("a|b"), .string("```\r# x")])],
            variants: ["v"], chartVariant: "v",
            cells: [
                .init(
                    knobs: ["description": .string("```\r# x")], folder: "cell-01", complete: true, regression: [:],
                    topPhase: [:])
            ], command: "simulate sweep", seconds: 1)
        Self.checkStructure(sweep, headings: ["# simulate sweep"])
    }
}
