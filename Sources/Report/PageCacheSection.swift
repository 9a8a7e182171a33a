import Analysis
import Foundation
import Model

/// `--cache cold`: how the page cache was dropped, whether that took effect, and what cold costs.
enum PageCacheSection {
    static func render(_ s: RunSummary) -> String {
        guard let p = s.pageCache else { return "" }
        let f = MarkdownReport.f
        let r = p.reference
        var out = "## Page cache: cold\n\n"
        out += "Every scan started cold: \(p.method).\n\n"
        out +=
            "- Did it take effect? Before the run's scans: \(verdict(p.run)). In the reference measurement: \(verdict(r.eviction)).\n"
        let change = r.ratio >= 1.1 ? "raises" : r.ratio <= 0.9 ? "lowers" : "does not measurably change"
        out +=
            "- Cold \(change) the native scan's cost per distribution (whole scan ÷ N) on this machine: warm \(f(r.warmMicrosecondsPerDistribution, 2)) µs, "
            + "cold \(f(r.coldMicrosecondsPerDistribution, 2)) µs (×\(f(r.ratio, 2))), median of \(r.scansEach) interleaved scans each over "
            + "\(r.distributions) distributions, measured side by side before the run.\n"
        if let warm = s.costProfile.units["scan.per_distribution_us"],
            let cold = s.costProfile.units["scan.cold_per_distribution_us"]
        {
            out +=
                "- CPython, from the cost profile: warm \(f(warm, 2)) µs, cold \(f(cold, 2)) µs per distribution (×\(f(warm > 0 ? cold / warm : 0, 2))).\n"
        }
        out += "- Scans were padded to \(p.paddedWith).\n\n"
        return out
    }

    static func verdict(_ e: PageEviction) -> String {
        guard e.files > 0 else { return "no files to drop" }
        let share = e.sampledPages > 0 ? Double(e.residentPages) / Double(e.sampledPages) * 100 : 100
        return (e.tookEffect ? "**yes**" : "**no**") + " (\(e.files) file drops, \(e.failed) failed; "
            + "\(MarkdownReport.f(share, 1))% of \(e.sampledPages) sampled pages still resident)"
    }
}
