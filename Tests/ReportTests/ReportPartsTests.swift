import Analysis
import Foundation
import Model
import Testing

@testable import Report

/// The pieces under the report: phase order, both charts, path display.
@Suite struct ReportPartsTests {
    static let pipeline = [
        "start/other", "pre-plugin/settings", "pre-plugin/bookkeeping", "pre-plugin/state-lookup",
        "pre-plugin/catalog-write", "pre-plugin/other", "extraction/pages", "extraction/tap",
        "extraction/target-state-init", "extraction/state-writes", "target-tail/target", "load-finalize/target",
        "state-write/teardown", "state-write/other",
    ]

    @Test func phasesInTheOrderOfAnInvocation() throws {
        let s = try SyntheticRuns.scansExplain()
        // The analyzer: simulated phases in run order, the assumed ones appended.
        #expect(s.variants[0].phases.map(\.phase) == Phase.simulated + Phase.assumed)
        #expect(PhaseOrder.pipeline(s.variants[0].phases).map(\.phase.rawValue) == Self.pipeline)
    }

    @Test func svgChartInPipelineOrderWithOneColourEach() throws {
        let svg = RunChart.svg(try SyntheticRuns.scansExplain())
        // Legend entries: a swatch, then the name.
        let legend = svg.split(separator: "\n").filter { $0.hasPrefix("<rect") && $0.contains("width=\"14\"") }
        let names = legend.compactMap { line in
            line.range(of: "font-size=\"12\">").flatMap { open in
                line[open.upperBound...].split(separator: "<").first.map(String.init)
            }
        }
        #expect(names == Self.pipeline + ["gaps between runs"])
        let fills = legend.compactMap { line in
            line.range(of: "fill=\"#[0-9a-f]{6}\"", options: .regularExpression).map { String(line[$0]) }
        }
        #expect(fills.count == names.count)
        #expect(Set(fills).count == fills.count, "two series share a colour: \(fills)")
    }

    @Test func textChartFitsAndDrawsEachVariant() throws {
        let s = try SyntheticRuns.scansExplain()
        let text = RunChart.text(s)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(text)")
        for v in s.variants {
            let bar = try #require(lines.first { $0.hasPrefix(v.name + " ") }, "\(v.name) in \(text)")
            #expect(bar.hasSuffix(String(format: "%.2f min", v.productionMinutes)), "\(bar)")
        }
        // Legend: every glyph once; the phases too small to draw are named.
        // Glyphs by size: the largest phase (tap-processing, 53 s per run) the densest, the next (target-tail) light.
        #expect(text.contains("█ extraction/tap   ░ target-tail/target"), "\(text)")
        #expect(
            text.contains("not drawn: pre-plugin/state-lookup,\npre-plugin/catalog-write, state-write/teardown."),
            "\(text)")
        #expect(Set(TextChart.glyphs).count == TextChart.glyphs.count)
        // Bars scale: a variant with twice the minutes has about twice the glyphs.
        let drawn = TextChart.stackedBars(
            rows: ["a", "b"], series: ["x", "y"], values: [[1, 1], [2, 2]], unit: "min", width: 60)
        let counts = drawn.split(separator: "\n").prefix(2).map { $0.filter { "█░".contains($0) }.count }
        #expect(abs(counts[1] - 2 * counts[0]) <= 1, "\(drawn)")
    }

    @Test func pathsRelativeInsideTheFolderElseOnlyTheirName() {
        let cwd = "/home/tester/project"
        #expect(ReportPaths.display("/home/tester/project/runs/a", cwd: cwd) == "runs/a")
        #expect(ReportPaths.display("/home/tester/project", cwd: cwd) == ".")
        #expect(ReportPaths.display("/home/tester/project-2/x.json", cwd: cwd) == "<outside>/x.json")
        #expect(ReportPaths.display("/tmp/run/", cwd: cwd) == "<outside>/run")
        #expect(ReportPaths.scrub("at /tmp/a/b.json.", cwd: cwd) == "at `<outside>/b.json`.")
        #expect(ReportPaths.scrub("`--out /tmp/a/b`", cwd: cwd) == "`--out <outside>/b`")
        #expect(
            ReportPaths.scrub("```sh\nsimulate --scenario /tmp/s.yaml\n```", cwd: cwd)
                == "```sh\nsimulate --scenario <outside>/s.yaml\n```")
        #expect(ReportPaths.scrub("(/home/tester/project/a.yaml:4)", cwd: cwd) == "(a.yaml:4)")
        // Not paths: URLs, closing tags, ratios, relative paths.
        let untouched = "see https://github.com/meltano/meltano/issues/1 </details> 0 / 4 KiB a/b runs/x 5xx / timeout"
        #expect(ReportPaths.scrub(untouched, cwd: cwd) == untouched)
    }
}
