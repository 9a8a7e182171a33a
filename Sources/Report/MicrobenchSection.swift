import Foundation
import Analysis

/// The seed-microbench table: this machine's timings beside the benchmark note's published ones.
enum MicrobenchSection {
    /// The note's published milliseconds (seeds/000): import, 50 backends() calls, 18 creations, packages.
    static let published: [String: (importMs: Double, backendsMs: Double, creationsMs: Double, packages: Int)] = [
        "meltano-3.6.0": (0.00, 0.04, 0.00, 67),
        "meltano-3.7.9": (0.00, 4.73, 0.00, 67),
        "fix-branch": (0.00, 13.44, 0.01, 96),
    ]

    static func render(_ s: RunSummary) -> String {
        var t = MarkdownTable(["variant", "benchmark", "median ms (this machine)", "p90 ms", "scans (mean)", "note's ms", "note's packages"],
                              numeric: [2, 3, 4, 5, 6])
        let packages = s.scenario.knobs.first { $0.key == "packages" }?.value ?? "?"
        for v in s.variants {
            let pub = published[v.profile]
            for p in v.phases {
                let theirs: String
                switch p.phase {
                case "import": theirs = pub.map { MarkdownReport.f($0.importMs) } ?? "–"
                case "backends": theirs = pub.map { MarkdownReport.f($0.backendsMs) } ?? "–"
                default: theirs = pub.map { MarkdownReport.f($0.creationsMs) } ?? "–"
                }
                t.add([v.name, p.phase, MarkdownReport.f(p.modelledMs.median, 3), MarkdownReport.f(p.modelledMs.p90, 3),
                       MarkdownReport.f(p.scansMean), theirs, pub.map { "\($0.packages)" } ?? "–"])
            }
        }
        return "## Micro-benchmarks\n\nEach invocation is a fresh process at \(packages) packages. The note's numbers come from "
            + "`seeds/000_c09ee05306fc46d8.txt` (macOS, Python 3.10, its own package counts).\n\n" + t.text + "\n"
    }
}
