import Model

/// "Jobs": a listed workload's minutes per job over the production period, the baseline's and each
/// variant's change, the jobs that change most first. Jobs whose change rounds to zero in every
/// variant fold into one line.
enum JobsSection {
    /// Jobs that change by less than this (minutes, in every variant) are counted, not listed.
    static let quietMinutes = 0.005

    static func render(_ s: RunSummary) -> String {
        guard let base = s.variants.first(where: { $0.name == s.baseline }), let baseJobs = base.jobs,
            !baseJobs.isEmpty
        else { return "" }
        let compared = s.variants.filter { $0.name != s.baseline && $0.jobs?.count == baseJobs.count }
        // A variant that changes no job, or only within noise, says nothing a column would: one line instead.
        let unchanged = compared.filter { v in
            v.jobs!.allSatisfy { abs($0.deltaMinutes ?? 0) < quietMinutes }
                || v.regressionMinutes.map { $0.low <= 0 && $0.high >= 0 } == true
        }
        let others = compared.filter { v in !unchanged.contains { $0.name == v.name } }
        let focal = others.first { $0.name == s[\.observedRegressedVariant] } ?? others.first
        let order = baseJobs.indices.sorted {
            abs(focal?.jobs?[$0].deltaMinutes ?? 0) > abs(focal?.jobs?[$1].deltaMinutes ?? 0)
        }
        func quiet(_ j: Int) -> Bool {
            others.allSatisfy { abs($0.jobs?[j].deltaMinutes ?? 0) < quietMinutes }
        }
        var t = MarkdownTable(
            ["job", "runs", "invocations", "\(MarkdownReport.cell(s.baseline)) min"]
                + others.map { "\(MarkdownReport.cell($0.name)) Δ min" },
            numeric: Set(1..<(4 + others.count)))
        for j in order where !quiet(j) {
            let job = baseJobs[j]
            t.add(
                [
                    MarkdownReport.cell(job.name), "\(job.runs)", "\(job.invocations)",
                    job.minutes.map { MarkdownReport.f($0) } ?? "–",
                ]
                    + others.map { v in v.jobs?[j].deltaMinutes.map { MarkdownReport.signed($0) } ?? "–" })
        }
        let total = baseJobs.compactMap(\.minutes).reduce(0, +)
        t.add(
            ["**all jobs**", "\(baseJobs.reduce(0) { $0 + $1.runs })", "", "**\(MarkdownReport.f(total))**"]
                + others.map { v in
                    "**\(MarkdownReport.signed(v.jobs?.compactMap(\.deltaMinutes).reduce(0, +) ?? 0))**"
                })
        let period = s[\.productionPeriod]
        var out =
            "## Jobs\n\nMinutes per job over the production period (\(period.isEmpty ? "one batch of runs" : MarkdownReport.text(period))): "
            + "each job's runs × (its simulated seconds per run + its own assumed seconds), the baseline's and each "
            + "variant's change; the jobs that change most first. The sum of the jobs' changes is the regression's "
            + "estimate, weighted by runs.\n\n"
        out += MarkdownReport.fold(t, "\(baseJobs.count) jobs")
        if !unchanged.isEmpty {
            out +=
                "\n" + unchanged.map { MarkdownReport.code($0.name) }.joined(separator: ", ")
                + " change\(unchanged.count == 1 ? "s" : "") the workload within noise (the 95% interval includes 0): "
                + "per-job changes left out.\n"
        }
        let folded = baseJobs.indices.filter(quiet).count
        if folded > 0 {
            out +=
                "\n\(folded) job\(folded == 1 ? "" : "s") change by less than \(quietMinutes) min in every variant.\n"
        }
        return out + "\n"
    }
}
