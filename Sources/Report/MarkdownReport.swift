import Analysis
import Foundation
import Model

/// Renders a `RunSummary` as Markdown that stands on its own in a GitHub issue: the title, the
/// headline (at most two sentences), the tables a maintainer reads with the chart inline as text,
/// long tables and the raw numbers folded under `<details>`; no path of this machine.
public enum MarkdownReport {
    /// Tables with more rows than this are folded under `<details>`.
    public static let foldRows = 12

    /// - Parameter cwd: paths inside it are shown relative to it; others as `<outside>/name`.
    public static func render(_ s: RunSummary, cwd: String = ReportPaths.currentDirectory) -> String {
        var out = "# simulate --scenario \(s.scenario.name)\n\n"
        // The headline's own words are plain; what it quotes from the scenario is escaped where it is built.
        out += Markdown.oneLine(s.headline) + "\n\n"
        let status =
            s.complete
            ? "complete"
            : "**incomplete**: \(s.outcome?.reasonText ?? "some invocations did not finish") (see Failures)"
        out +=
            "Run of \(s.startedAt), \(String(format: "%.1f", s.wallSeconds)) s wall time on \(s.machine.cpuCount) cores, "
            + "\(s.workerProcesses) worker processes\(spawnNote(s)); \(status). \(profileCitation(s.costProfile)).\n\n"
        let callouts =
            s.warnings.map { "> **Warning:** \(Markdown.oneLine($0))\n" }
            + s.notes.map { "> **Note:** \(Markdown.oneLine($0))\n" }
        if !callouts.isEmpty { out += callouts.joined(separator: ">\n") + "\n" }
        if s.scenario.workload == .microbench {
            out += MicrobenchSection.render(s)
        } else {
            out += variantsSection(s)
            out += chartSection(s)
            out += attributionSection(s)
            out += JobsSection.render(s)
            out += FleetSection.render(s)
            out += observedSection(s)
            out += phaseSection(s)
            out += LockWaitSection.render(s)
            out += HTTPSection.render(s)
        }
        out += knobSection(s)
        out += provenanceSection(s)
        out += PageCacheSection.render(s)
        out += failuresSection(s)
        out += integritySection(s)
        out += "## Reproduce\n\n" + Markdown.escape(s.command, .fencedBlock(info: "sh")) + "\n"
        out += environmentSection(s)
        out += rawSection(s)
        return ReportPaths.scrub(out, cwd: cwd, known: knownPaths(s))
    }

    /// A table, folded under `<details>` when it has more than `foldRows` rows; the blank lines
    /// around it make GitHub render the Markdown inside.
    static func fold(_ t: MarkdownTable, _ what: String) -> String {
        guard t.rows.count > foldRows else { return t.text }
        return "<details><summary>\(Markdown.escape("\(what) (\(t.rows.count) rows)", .summary))</summary>\n\n" + t.text
            + "\n</details>\n"
    }

    /// "+11.19 [+10.99, +11.41]".
    static func interval(_ r: Interval) -> String { "\(signed(r.estimate)) [\(signed(r.low)), \(signed(r.high))]" }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    /// A variant's minutes in one row of the attribution tables, with their share only when the
    /// variant's regression is beyond noise and large enough to share out.
    static func minutesCell(_ v: VariantSummary, _ minutes: Double, _ share: Double?) -> String {
        guard Headline.shareable(v), let share else { return signed(minutes) }
        return "\(signed(minutes)) (\(percent(share)))"
    }

    /// How the run's workers were started, as a parenthesis after their count.
    static func spawnNote(_ s: RunSummary) -> String {
        switch s[\.launcher.engine] {
        case .slurm: return " (each a Slurm job step through srun)"
        case .ssh: return " (each through ssh, to \(s[\.launcher.hosts].count) hosts in turn)"
        case .local: break
        }
        switch s.workerSpawn {
        case .zygote: return " (forked from one pre-started zygote)"
        case .exec: return " (each exec'd)"
        case nil: return ""
        }
    }

    /// "Cost profile `name` (`file`, calibrated <date>, with Python x.y)": which numbers, from where.
    static func profileCitation(_ p: CostProfileInfo) -> String {
        var out = "Cost profile \(code(p.name))"
        var parts: [String] = []
        if let file = p.file { parts.append(code(file)) }
        if let date = p.calibration["date"] { parts.append("calibrated \(text(date))") }
        if let version = p.calibration["python_version"] {
            parts.append("with \(text(version.split(separator: " ").first.map { "Python \($0)" } ?? version))")
        }
        if !parts.isEmpty { out += " (" + parts.joined(separator: ", ") + ")" }
        return out
    }

    /// Text from outside (a name, a file, a value) as a code span, a table cell, in prose.
    static func code(_ text: String) -> String { Markdown.escape(text, .codeSpan) }
    static func cell(_ text: String) -> String { Markdown.escape(text, .tableCell) }
    static func text(_ text: String) -> String { Markdown.escape(text, .prose) }

    /// The paths of this machine the summary holds (the scenario and cost profile files, knob values
    /// such as `site_packages`): `ReportPaths.scrub` shows them whole, whatever characters they hold.
    static func knownPaths(_ s: RunSummary) -> [String] {
        [s.scenario.file] + (s.costProfile.file.map { [$0] } ?? [])
            + s.scenario.knobs.flatMap { k -> [String] in
                switch k.value {
                case .string(let v): return [v]
                case .list(let v): return v
                default: return []
                }
            }
    }

    static func f(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
    static func signed(_ v: Double, _ digits: Int = 2) -> String {
        let x = abs(v) < 0.5 * pow(10, -Double(digits)) ? 0 : v
        return (x >= 0 ? "+" : "") + f(x, digits)
    }

    static func variantsSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(
            [
                "variant", "profile", "discovery", "catalog write", "ok / failed / lost",
                "scans: total; first invocation, later (max)",
                "error paths", "s per run", "production min", "regression min (95%)",
                "invocations differ? (Mann–Whitney p)",
            ],
            numeric: [6, 7, 8, 9])
        for v in s.variants {
            let regression =
                v.name == s.baseline
                ? "baseline"
                : v.regressionMinutes.map { interval($0) + (Headline.beyondNoise($0) ? "" : " within noise") }
                    ?? "n/a (no completed invocation)"
            // Without a completed invocation there are only the assumed phases: no minutes to show.
            let measured = !v.simulatedSeconds.isEmpty
            t.add([
                cell(v.name), cell(v.profile), v.strategy.rawValue, v.catalogWrite.rawValue,
                "\(v.succeeded) / \(v.failed) / \(v.lost)",
                "\(v.scans.total); \(v.scans.firstInvocation), \(v.scans.maxAfterFirst)",
                "\(v.errorPaths)", measured ? f(v.secondsPerRun, 1) : "–", measured ? f(v.productionMinutes) : "–",
                regression,
                v.mannWhitney.map { "\($0.significant ? "yes" : "no") (p \(pValue($0.pValue)))" } ?? "–",
            ])
        }
        return "## Variants\n\n" + fold(t, "All \(s.variants.count) variants") + "\n" + profileProvenance(s)
            + costSpreadNote(s)
    }

    /// How much of each regression interval the cost profile's stated spread is (docs/calibration.md,
    /// "What the interval covers"); nothing when no unit states one.
    static func costSpreadNote(_ s: RunSummary) -> String {
        let spreads = s.variants.compactMap { v in
            v.regressionCostSpreadMinutes.flatMap { $0 >= 0.005 ? (v.name, $0) : nil }
        }
        guard let low = spreads.map(\.1).min(), let high = spreads.map(\.1).max() else { return "" }
        let intro = "The regression intervals include the cost profile's stated spread, added in quadrature: "
        // Alike to a twentieth of a minute: one number says it.
        if high - low < 0.05 {
            return intro
                + "about ±\(f(high, 1)) min for each of \(spreads.map { code($0.0) }.joined(separator: ", ")).\n\n"
        }
        return intro + spreads.map { "±\(f($0.1)) min of \(code($0.0))'s" }.joined(separator: ", ") + ".\n\n"
    }

    /// Where each release profile came from, one line per profile (docs/profiles.md).
    static func profileProvenance(_ s: RunSummary) -> String {
        var seen: [String: String] = [:]
        var order: [String] = []
        for v in s.variants {
            guard let provenance = v.profileProvenance, seen[v.profile] == nil else { continue }
            seen[v.profile] = provenance
            order.append(v.profile)
        }
        guard !order.isEmpty else { return "" }
        return "Release profiles (`scenarios/profiles/`, `simulate variants`): "
            + order.map { "\(code($0)) \(text(seen[$0]!))" }.joined(separator: "; ") + ".\n\n"
    }

    /// The chart as Unicode bars, which render in an issue and a terminal; the SVG is a file beside.
    static func chartSection(_ s: RunSummary) -> String {
        guard s.scenario.workload == .pipeline, !RunChart.drawn(s).isEmpty else { return "" }
        return
            "End-to-end minutes per variant over the \(s[\.productionRuns])-run production workload, by phase in pipeline "
            + "order (the same chart as an image: the file `\(RunChart.fileName)` beside this report):\n\n"
            + Markdown.escape(RunChart.text(s), .fencedBlock(info: "text")) + "\n"
    }

    static func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : String(format: "= %.3f", p) }

    /// Minutes of each variant's regression by kind of work, with shares (which sum to 100%) where shareable.
    static func categoryTable(_ others: [VariantSummary]) -> String {
        var t = MarkdownTable(
            ["kind of work"] + others.map { "\(cell($0.name)): Δ min (share)" }, numeric: Set(1...others.count))
        for category in others.first?.categories.map(\.category) ?? [] {
            t.add(
                [category.rawValue]
                    + others.map { v in
                        let c = v.categories.first { $0.category == category }
                        return minutesCell(v, c?.minutes ?? 0, c?.share)
                    })
        }
        return fold(t, "By kind of work")
    }

    static func attributionSection(_ s: RunSummary) -> String {
        let others = s.variants.filter { $0.name != s.baseline && $0.regressionMinutes != nil }
        guard !others.isEmpty, let first = s.variants.first else { return "" }
        let minimum = f(RunAnalyzer.minimumShareableMinutes)
        var out = "## Where the regression comes from\n\n"
        out +=
            "Each variant's regression against \(code(s.baseline)) over the \(s[\.productionRuns])-run workload, in minutes, "
            + "by kind of work and then by phase. A share (of that variant's regression) is given only where the regression is "
            + "beyond noise (its 95% interval excludes 0) and at least \(minimum) min"
        let unshared = others.filter { !Headline.shareable($0) }
        if unshared.count == others.count {
            out += ": no variant's is, so there are no shares."
        } else if !unshared.isEmpty {
            out +=
                "; not for "
                + unshared.map { v -> String in
                    let r = v.regressionMinutes!
                    return "\(code(v.name)) (\(interval(r)) min, "
                        + (Headline.beyondNoise(r) ? "under \(minimum) min)" : "within noise)")
                }.joined(separator: ", ") + "."
        } else {
            out += ", as every variant's is."
        }
        out += "\n\n" + categoryTable(others) + "\n"

        var t = MarkdownTable(
            ["phase", "source"] + others.map { "\(cell($0.name)): Δ min (share)" }, numeric: Set(2..<(2 + others.count))
        )
        for phase in PhaseOrder.pipeline(first.phases) where phase.provenance != .assumed {
            t.add(
                [phase.phase.rawValue, phase.provenance.rawValue]
                    + others.map { v in
                        let p = v.phases.first { $0.phase == phase.phase }
                        return minutesCell(v, p?.deltaMinutes ?? 0, p?.share)
                    })
        }
        t.add(["*of which discovery scans*", "measured"] + others.map { signed($0.scanRegressionMinutes ?? 0) })
        t.add(
            ["**total**", ""]
                + others.map { v in
                    let r = v.regressionMinutes!
                    return "**\(signed(r.estimate))**" + (Headline.beyondNoise(r) ? "" : " (within noise)")
                })
        out += "By phase" + assumedNote(s) + "\n\n" + fold(t, "By phase") + "\n"
        for v in others { out += "- " + attributionLine(v) + "\n" }
        return out + "\n"
    }

    /// Why the assumed phases are not in the by-phase table, from their own numbers.
    static func assumedNote(_ s: RunSummary) -> String {
        guard let first = s.variants.first else { return ":" }
        let assumed = PhaseOrder.pipeline(first.phases).filter { $0.provenance == .assumed }
        guard !assumed.isEmpty else { return ":" }
        let same = assumed.allSatisfy { a in
            s.variants.allSatisfy { v in v.phases.first { $0.phase == a.phase }?.secondsPerRun == a.secondsPerRun }
        }
        let list = assumed.map {
            "\($0.phase) \(f($0.secondsPerRun, $0.secondsPerRun == $0.secondsPerRun.rounded() ? 0 : 1)) s"
        }
        .joined(separator: ", ")
        return same
            ? " (the assumed phases, \(list) per run, are the same in every variant: they add nothing to a regression and are left out):"
            : " (the assumed phases differ between variants, \(list) per run in \(code(first.name)): see the Phases table):"
    }

    /// One sentence per variant: what explains its regression, or that it is within noise.
    static func attributionLine(_ v: VariantSummary) -> String {
        let r = v.regressionMinutes!
        let head = "\(code(v.name)) (\(interval(r)) min)"
        guard Headline.beyondNoise(r) else {
            return head + ": within noise (the 95% interval includes 0); nothing to attribute."
        }
        guard Headline.shareable(v), let top = v.topPhase, let phase = v.phases.first(where: { $0.phase == top }),
            let share = phase.share
        else {
            return head + ": beyond noise but under \(f(RunAnalyzer.minimumShareableMinutes)) min; not shared out."
        }
        var out = head + ": "
        out +=
            share > 0.5
            ? "\(top) explains most of it, \(signed(phase.deltaMinutes)) min (\(percent(share)))"
            : "the largest part is \(top), \(signed(phase.deltaMinutes)) min (\(percent(share)))"
        let byKind = v.categories.sorted { abs($0.minutes) > abs($1.minutes) }
        if let kind = byKind.first {
            out +=
                "; by kind of work, \(kind.category) \(signed(kind.minutes)) min"
                + (kind.share.map { " (\(percent($0)))" } ?? "")
            if kind.category != .discoveryScans,
                let scans = v.categories.first(where: { $0.category == .discoveryScans })
            {
                out +=
                    " and discovery scans \(signed(scans.minutes)) min"
                    + (scans.share.map { " (\(percent($0)))" } ?? "")
            }
        }
        return out + "."
    }

    static func observedSection(_ s: RunSummary) -> String {
        if let observed = s.observed { return ObservedSection.render(observed, baseline: s.baseline) }
        let base = s[\.observedBaselineMinutes]
        let regressed = s[\.observedRegressedMinutes]
        guard base > 0, regressed > 0 else { return "" }
        let name = s[\.observedRegressedVariant]
        let observed = regressed - base
        var out = "## Observed in production\n\n"
        out +=
            "Production logs: \(f(base, 1)) min on the baseline (\(code(s.baseline))), \(f(regressed, 1)) min on \(code(name)) "
            + "(\(signed(observed, 1)) min). "
        guard let v = s.variants.first(where: { $0.name == name }), let r = v.regressionMinutes,
            let b = s.variants.first(where: { $0.name == s.baseline })
        else {
            return out
                + "\(code(name)) has no estimate in this run (not among its variants, or no finished invocation).\n\n"
        }
        out +=
            "This run estimates \(f(b.productionMinutes, 1)) min and \(f(v.productionMinutes, 1)) min "
            + "(\(signed(r.estimate, 1)) min, 95% interval \(signed(r.low, 1)) to \(signed(r.high, 1))): the observed "
            + "\(signed(observed, 1)) min lies "
        if observed > r.high {
            out += "above that interval; the estimate is \(f(observed - r.estimate, 1)) min short of it"
        } else if observed < r.low {
            out += "below that interval; the estimate is \(f(r.estimate - observed, 1)) min over it"
        } else {
            out += "inside that interval"
        }
        out += "."
        // The catalog size is a scenario knob, not a production number: say so when the estimate rests on it.
        if Headline.shareable(v), let catalog = v.phases.first(where: { $0.phase == .catalogWrite }),
            let share = catalog.share,
            abs(share) >= 0.1, let lines = s.scenario.entry(for: \.catalogLines)
        {
            out +=
                " `\(Phase.catalogWrite)`, \(percent(share)) of the estimate, scales with the catalog size (`\(lines.key)` = \(lines.value), "
                + (lines.origin == "default" ? "the default" : "set at \(lines.origin)")
                + "), which the production log does not give."
        }
        return out + "\n\n"
    }

    static func phaseSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(
            [
                "variant", "phase", "source", "n", "median ms", "MAD ms", "p90 ms", "p99 ms", "mean ms",
                "native mean ms",
                "units done → production", "scans", "s per run",
            ], numeric: [3, 4, 5, 6, 7, 8, 9, 11, 12])
        for v in s.variants {
            for p in PhaseOrder.pipeline(v.phases) {
                let units = p.provenance == .assumed ? "assumed" : "\(p.unitsDone) → \(p.productionUnits)"
                t.add([
                    cell(v.name), p.phase.rawValue, p.provenance.rawValue, "\(p.invocations)", f(p.modelledMs.median),
                    f(p.modelledMs.mad), f(p.modelledMs.p90),
                    f(p.modelledMs.p99), f(p.modelledMs.mean),
                    p.provenance == .assumed ? "–" : f(p.nativeMeanMs, 3), units, f(p.scansMean),
                    f(p.secondsPerRun, 3),
                ])
            }
        }
        let names = ranPhases(s)
        var out =
            "## Phases\n\nPer invocation, modelled milliseconds ("
            + (s.costProfile.units.isEmpty ? "not padded: cost profile `native`" : "padded to the cost profile")
            + "; sampled phases extrapolated to their production unit count), phases in pipeline order."
        if names.contains(.pages) {
            out +=
                " `\(Phase.pages)` is the tap's HTTP requests (measured on loopback, \(s[\.http.samplePages]) of "
                + "\(s[\.http.pages]) pages sampled)."
        }
        if names.contains(.tapProcessing) {
            out +=
                " `\(Phase.tapProcessing)` is the rest of the tap's extraction time, assumed "
                + "(`\(ScenarioKeys.table.assumedExtractionSeconds.name)` = \(value(s, \.assumedExtractionSeconds)))."
        }
        let phases = s.variants.map(\.phases.count).max() ?? 0
        return out + "\n\n" + fold(t, "Every phase of every variant: \(s.variants.count) variants × \(phases) phases")
            + "\n"
    }

    static func knobSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(["knob", "value", "from"])
        for k in s.scenario.knobs {
            let value = k.value.description
            t.add([k.key, value.isEmpty ? "–" : code(value), cell(k.origin)])
        }
        let set = s.scenario.knobs.filter { $0.origin != "default" }.count
        return "## Knobs\n\nScenario file \(code(s.scenario.file)).\n\n"
            + fold(t, "All \(s.scenario.knobs.count) knobs: \(set) set, \(s.scenario.knobs.count - set) default") + "\n"
    }

    static func provenanceSection(_ s: RunSummary) -> String {
        var out = "## What is measured, sampled and assumed\n\n"
        let first = s.variants.first.map { PhaseOrder.pipeline($0.phases) } ?? []
        let names = ranPhases(s)
        let httpState = s[\.stateBackend] == .http
        out +=
            "- **Measured**: discovery scans (real directory listings and `entry_points.txt` reads of \(s.environment.distributions) "
            + "distributions), SQLite statements on the shared system database, state-backend initializations and error paths"
            + (s.httpServer == nil
                ? ""
                : ", and HTTP requests to the loopback server"
                    + (httpState ? " (state over HTTP with the `http` backend)" : ""))
            + ".\n"
        if names.contains(.catalogWrite) {
            func part(_ sample: Int, _ total: Int) -> String {
                sample == total ? "all \(total)" : "\(sample) of \(total)"
            }
            let hops = s.variants.filter { $0.catalogWrite == .threadHop }.map { code($0.name) }
            var sampled = [
                "the catalog write (\(part(s[\.catalogSampleLines], s[\.catalogLines])) lines written for real"
                    + (hops.isEmpty ? "" : ", with one real thread hop per line in \(listing(hops))")
                    + ")",
                "STATE messages (\(part(s[\.stateSampleMessages], s[\.stateMessages])))",
            ]
            if names.contains(.pages), s[\.http.pages] > 0 {
                sampled.append("the tap's pages (\(part(s[\.http.samplePages], s[\.http.pages])) GETs)")
            }
            out +=
                "- **Sampled**: " + listing(sampled)
                + "; the rest is extrapolated from the sample's mean.\n"
        }
        let assumed = first.filter { $0.provenance == .assumed }
        if !assumed.isEmpty {
            out +=
                "- **Assumed**: "
                + assumed.map {
                    "\($0.phase) \(f($0.secondsPerRun, $0.secondsPerRun == $0.secondsPerRun.rounded() ? 0 : 1)) s"
                }
                .joined(separator: ", ")
                + " per run, from the scenario's `assumed.*` keys (the production log); the same for every variant."
            if names.contains(.pages) && names.contains(.tapProcessing) {
                out +=
                    " The extraction's HTTP time is measured (`\(Phase.pages)`) and adds to the assumed `\(Phase.tapProcessing)`"
                let latency = ScenarioKeys.table.http.api.latencyMilliseconds
                let medians = s.variants.compactMap { $0.http?.first { $0.phase == .pages }?.latencyMs.median }
                if s[\.http.api.latencyMilliseconds] > 0 {
                    out +=
                        "; the loopback server adds `\(latency.name)` = \(value(s, \.http.api.latencyMilliseconds)) ms per page."
                } else if let median = medians.sorted().dropFirst(medians.count / 2).first {
                    out +=
                        ": the loopback server answered in a median of \(f(median, 3)) ms here, so to model a slow API set "
                        + "`\(latency.name)` and take `\(ScenarioKeys.table.http.pages.name)` × that latency off "
                        + "`\(ScenarioKeys.table.assumedExtractionSeconds.name)`."
                } else {
                    out += "."
                }
            }
            out += "\n"
        }
        out += "\n"
        let p = s.costProfile
        out += profileCitation(p) + ": "
        guard !p.units.isEmpty else { return out + "no padding; every time is the Swift mechanism's own.\n\n" }
        let native =
            [("sqlite.statement_us", "SQLite statements"), ("json.state_us", "STATE JSON")]
            .filter { p.units[$0.0] == nil }.map(\.1) + ["error formatting"]
        out +=
            "\(p.description) Each unit below is padded with busy CPU to its CPython cost; "
            + "\(native.joined(separator: ", ")) \(native.count == 1 ? "is" : "are") native (not calibrated).\n\n"
        out += CostProfileSection.calibration(p.calibration)
        out +=
            (p.calibration.isEmpty ? "" : "\n") + CostProfileSection.unitsTable(units: p.units, sources: p.sources)
            + "\n"
        return out
    }

    static func failuresSection(_ s: RunSummary) -> String {
        let failed = s.variants.reduce(0) { $0 + $1.failed }
        let f = s.failures
        var out = "## Failures\n\n"
        if failed == 0 && !f.any && s.complete { return out + "None: every planned invocation finished.\n\n" }
        if let why = f.interrupted { out += "- **Interrupted**: \(why).\n" }
        let locked = f.databaseLockedInvocations ?? 0
        let unreachable = f.databaseUnreachableInvocations ?? 0
        out +=
            "- Invocations that failed by design (`on_error: fail`): "
            + "\(failed - (f.httpFailedInvocations ?? 0) - locked - unreachable).\n"
        out += HTTPSection.failureLines(f)
        if locked > 0 {
            out +=
                "- Invocations that failed because the system database stayed locked past "
                + "`\(ScenarioKeys.table.busyTimeoutSeconds.name)` (\(value(s, \.busyTimeoutSeconds)) s): \(locked); "
                + "they are in no time statistic.\n"
        }
        if unreachable > 0 {
            out +=
                "- Invocations that failed because the PostgreSQL system database could not be reached "
                + "(connection refused or broken): \(unreachable); they are in no time statistic.\n"
        }
        out += "- Invocations lost (never finished): \(f.lostInvocations).\n"
        out +=
            "- Worker processes that exited non-zero or by a signal: \(f.workerExits); killed after their timeout: \(f.workerTimeouts).\n"
        out +=
            "- Lines from workers that were not events (kept in events.jsonl as `malformed_line`): \(f.malformedLines).\n\n"
        return out
    }

    static func integritySection(_ s: RunSummary) -> String {
        guard let i = s.integrity else { return "" }
        var out = "## System database after the run\n\n"
        if let engine = i.systemDatabase { out += "- Engine: \(engine).\n" }
        out +=
            "- `runs`: \(i.runsRows) rows (\(i.runsByState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); "
            + "\(i.nonTerminalRuns) not terminal.\n"
        out +=
            "- `state`: \(i.stateRows) \(i.locksLeft == nil ? "rows" : "`state.json` objects on the server") for \(i.expectedStateRows) "
            + "jobs; \(i.stateWritesRecorded) writes recorded vs \(i.stateWritesReported) reported by workers: \(i.lostUpdates) lost updates"
            + (i.unreportedWrites.map { ", \($0) writes no worker reported" } ?? "") + ".\n"
        if let locks = i.locksLeft, let matching = i.stateDocumentsMatchingLastWrite {
            out +=
                "- Object store: \(matching) of \(i.expectedStateRows) `state.json` equal to the last state written to them; "
                + "\(locks) locks left behind.\n"
        }
        out += i.ok ? "- Consistent.\n\n" : "- **Inconsistent**: see the numbers above.\n\n"
        return out
    }

    static func environmentSection(_ s: RunSummary) -> String {
        let m = s.machine
        let e = s.environment
        return
            "## Environment\n\n- Machine: \(m.cpuModel), \(m.cpuCount) cores, \(m.os), kernel \(m.kernel), load average \(f(m.loadAverage)); Swift \(m.swiftVersion).\n"
            + "- Distributions scanned: \(Markdown.oneLine(e.description)).\n\n"
    }

    static func rawSection(_ s: RunSummary) -> String {
        var out = "<details><summary>Raw numbers</summary>\n\n"
        var t = MarkdownTable(
            [
                "variant", "invocation", "ok", "scans", "lookups", "backends()", "add-on objects", "groups",
                "error paths", "cache hits",
            ],
            numeric: [1, 3, 4, 5, 6, 7, 8, 9])
        for v in s.variants {
            for c in v.invocations {
                t.add([
                    cell(v.name), "\(c.index)", c.succeeded ? "yes" : "no", "\(c.scans)", "\(c.lookups)",
                    "\(c.backendsCalls)",
                    "\(c.addonObjects)", "\(c.groupsTouched)", "\(c.errorPaths)", "\(c.persistentHits)",
                ])
            }
        }
        let capped = s.variants.contains { !$0.listsEveryInvocation }
        out +=
            "Discovery counts per invocation, in the order they started"
            + (capped ? " (the first \(VariantSummary.listedInvocationLimit) of each variant)" : "") + ":\n\n"
            + t.text + "\n"
        var st = MarkdownTable(
            [
                "variant", "statements", "transactions", "busy waits", "busy wait ms", "retries", "heartbeats",
                "job overlaps",
            ],
            numeric: [1, 2, 3, 4, 5, 6, 7])
        for v in s.variants {
            st.add([
                cell(v.name), "\(v.storage.statements)", "\(v.storage.transactions)", "\(v.storage.busyWaits)",
                f(Double(v.storage.busyWaitNs) / 1e6, 1), "\(v.storage.retries)", "\(v.heartbeats)", "\(v.jobOverlaps)",
            ])
        }
        let postgres = s.integrity?.systemDatabase != nil
        out += (postgres ? "PostgreSQL" : "SQLite") + " work per variant:\n\n" + st.text + "\n"
        if postgres {
            out +=
                "On PostgreSQL a busy wait is a statement that hit `lock_timeout` (55P03), a retry a serialization "
                + "failure (40001) or deadlock (40P01); connection errors: "
                + s.variants.map { "\($0.name) \($0.storage.connectionErrors ?? 0)" }.joined(separator: ", ") + ".\n\n"
        }
        let messages = Set(s.variants.flatMap(\.errorMessages)).sorted()
        if !messages.isEmpty {
            out += "Error messages met:\n\n" + messages.map { "- \(code($0))" }.joined(separator: "\n") + "\n\n"
        }
        return out + "</details>\n"
    }

    /// Phases some invocation ran (an analyzer lists every phase, also those no invocation reached), and the assumed ones.
    static func ranPhases(_ s: RunSummary) -> Set<Phase> {
        Set(s.variants.flatMap { $0.phases.filter { $0.invocations > 0 || $0.provenance == .assumed }.map(\.phase) })
    }

    /// "a", "a and b", "a, b and c".
    static func listing(_ items: [String]) -> String {
        items.count <= 2
            ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// A key's value as the scenario writes it (`0.5`, `53`), for prose.
    static func value<Value>(_ s: RunSummary, _ key: ScenarioKeyPath<Value>) -> String {
        s[key].scenarioValue.description
    }
}
