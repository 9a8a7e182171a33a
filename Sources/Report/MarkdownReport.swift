import Foundation
import Analysis

/// Renders a `RunSummary` as Markdown that pastes cleanly into a GitHub issue: the headline
/// first, then the tables a maintainer reads, then the raw numbers folded under `<details>`.
public enum MarkdownReport {
    public static func render(_ s: RunSummary) -> String {
        var out = s.headline + "\n\n"
        out += "# simulate --scenario \(s.scenario.name)\n\n"
        let status = s.complete ? "complete" : "**incomplete**: some invocations did not finish (see Failures)"
        out += "Run of \(s.startedAt), \(String(format: "%.1f", s.wallSeconds)) s wall time on \(s.machine.cpuCount) cores, "
            + "\(s.workerProcesses) worker processes\(spawnNote(s.workerSpawn)); \(status). \(profileCitation(s.costProfile)).\n\n"
        let callouts = s.warnings.map { "> **Warning:** \($0)\n" } + s.notes.map { "> **Note:** \($0)\n" }
        if !callouts.isEmpty { out += callouts.joined(separator: ">\n") + "\n" }
        if s.scenario.workload == .microbench {
            out += MicrobenchSection.render(s)
        } else {
            out += variantsSection(s)
            out += attributionSection(s)
            out += observedSection(s)
            out += phaseSection(s)
            out += HTTPSection.render(s)
        }
        out += knobSection(s)
        out += provenanceSection(s)
        out += PageCacheSection.render(s)
        out += failuresSection(s)
        out += integritySection(s)
        out += "## Reproduce\n\n```sh\n\(s.command)\n```\n\n"
        out += environmentSection(s)
        out += rawSection(s)
        return out
    }

    /// How the run's workers were started, as a parenthesis after their count.
    static func spawnNote(_ mode: String?) -> String {
        switch mode {
        case "zygote": return " (forked from one pre-started zygote)"
        case "exec": return " (each exec'd)"
        default: return ""
        }
    }

    /// "Cost profile `name` (`file`, calibrated <date>, with Python x.y)": which numbers, from where.
    static func profileCitation(_ p: CostProfileInfo) -> String {
        var out = "Cost profile `\(p.name)`"
        var parts: [String] = []
        if let file = p.file { parts.append("`\(file)`") }
        if let date = p.calibration["date"] { parts.append("calibrated \(date)") }
        if let version = p.calibration["python_version"] {
            parts.append("with \(version.split(separator: " ").first.map { "Python \($0)" } ?? version)")
        }
        if !parts.isEmpty { out += " (" + parts.joined(separator: ", ") + ")" }
        return out
    }

    static func f(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
    static func signed(_ v: Double, _ digits: Int = 2) -> String {
        let x = abs(v) < 0.5 * pow(10, -Double(digits)) ? 0 : v
        return (x >= 0 ? "+" : "") + f(x, digits)
    }

    static func variantsSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(["variant", "profile", "discovery", "catalog write", "ok / failed / lost", "scans: total; first invocation, later (max)",
                               "error paths", "s per run", "production min", "regression min (95%)", "beyond noise? (Mann–Whitney p)"],
                              numeric: [6, 7, 8, 9])
        for v in s.variants {
            let regression = v.regressionMinutes.map { "\(signed($0.estimate)) [\(signed($0.low)), \(signed($0.high))]" } ?? "baseline"
            t.add([v.name, v.profile, v.strategy, v.catalogWrite, "\(v.succeeded) / \(v.failed) / \(v.lost)",
                   "\(v.scans.total); \(v.scans.firstInvocation), \(v.scans.maxAfterFirst)",
                   "\(v.errorPaths)", f(v.secondsPerRun, 1), f(v.productionMinutes), regression,
                   v.mannWhitney.map { "\($0.significant ? "yes" : "no") (p \(pValue($0.pValue)))" } ?? "–"])
        }
        return "## Variants\n\n" + t.text + "\n![End-to-end minutes per variant, by phase](\(RunChart.fileName))\n\n"
    }

    static func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : String(format: "= %.3f", p) }

    /// Minutes and share of each variant's regression by kind of work; shares sum to 100%.
    static func categoryTable(_ s: RunSummary, _ others: [VariantSummary]) -> String {
        var t = MarkdownTable(["kind of work"] + others.map { "\($0.name): Δ min (share)" }, numeric: Set(1...others.count))
        for (c, category) in (others.first?.categories ?? []).enumerated() {
            t.add([category.category.rawValue] + others.map { v in
                let share = v.categories[c]
                return "\(signed(share.minutes)) (\(share.share.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"))"
            })
        }
        return t.text + "\nBy phase:\n\n"
    }

    static func attributionSection(_ s: RunSummary) -> String {
        let others = s.variants.filter { $0.regressionMinutes != nil }
        guard !others.isEmpty, let first = s.variants.first else { return "" }
        var t = MarkdownTable(["phase", "source"] + others.map { "\($0.name): Δ min (share)" }, numeric: Set(2..<(2 + others.count)))
        for (p, phase) in first.phases.enumerated() where phase.provenance != "assumed" {
            t.add([phase.phase.rawValue, phase.provenance] + others.map { v in
                let ph = v.phases[p]
                return "\(signed(ph.deltaMinutes)) (\(ph.share.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"))"
            })
        }
        t.add(["*of which discovery scans*", "measured"] + others.map { signed($0.scanRegressionMinutes ?? 0) })
        t.add(["**total**", ""] + others.map { "**\(signed($0.regressionMinutes?.estimate ?? 0))**" })
        var out = "## Where the regression comes from\n\n"
        out += categoryTable(s, others)
        out += "Minutes each phase adds over the \(knob(s, "production.runs"))-run workload against `\(s.baseline)`. Assumed phases "
            + "(CLI start, other pre-plugin work, the tap's processing, target tail) are the same for every variant and add nothing here.\n\n"
        out += t.text + "\n"
        for v in others {
            guard let top = v.topPhase, let r = v.regressionMinutes else { continue }  // top only when shareable
            out += "- `\(v.name)`: \(top) explains most of \(signed(r.estimate)) min; discovery scans "
                + "\(signed(v.scanRegressionMinutes ?? 0)) min.\n"
        }
        return out + "\n"
    }

    static func observedSection(_ s: RunSummary) -> String {
        guard let base = Double(knob(s, "observed.baseline_minutes")), let regressed = Double(knob(s, "observed.regressed_minutes")),
              base > 0, regressed > 0 else { return "" }
        let name = knob(s, "observed.regressed_variant")
        var out = "## Observed in production\n\n"
        out += "Production logs: \(f(base, 1)) min on the baseline, \(f(regressed, 1)) min on `\(name)` (\(signed(regressed - base, 1)) min). "
        if let v = s.variants.first(where: { $0.name == name }), let r = v.regressionMinutes,
           let b = s.variants.first(where: { $0.name == s.baseline }) {
            out += "This run estimates \(f(b.productionMinutes, 1)) min and \(f(v.productionMinutes, 1)) min "
                + "(\(signed(r.estimate, 1)) min, 95% interval \(signed(r.low, 1)) to \(signed(r.high, 1))). "
            let catalog = knob(s, "catalog_lines")
            out += "The catalog size (`catalog_lines` = \(catalog)) is not in the production log: it is assumed, and the "
                + "catalog-write minutes scale with it.\n\n"
        } else {
            out += "`\(name)` is not among this run's variants.\n\n"
        }
        return out
    }

    static func phaseSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(["variant", "phase", "source", "n", "median ms", "MAD ms", "p90 ms", "p99 ms", "mean ms", "native mean ms",
                               "units done → production", "scans", "s per run"], numeric: [3, 4, 5, 6, 7, 8, 9, 11, 12])
        for v in s.variants {
            for p in v.phases {
                let units = p.provenance == "assumed" ? "assumed" : "\(p.unitsDone) → \(p.productionUnits)"
                t.add([v.name, p.phase.rawValue, p.provenance, "\(p.invocations)", f(p.modelledMs.median), f(p.modelledMs.mad), f(p.modelledMs.p90),
                       f(p.modelledMs.p99), f(p.modelledMs.mean),
                       p.provenance == "assumed" ? "–" : f(p.nativeMeanMs, 3), units, f(p.scansMean), f(p.secondsPerRun, 3)])
            }
        }
        return "## Phases\n\nPer invocation, modelled milliseconds (padded to the cost profile; sampled phases extrapolated to their "
            + "production unit count). `extract` is the tap's HTTP requests (measured on loopback, sampled pages); `tap-processing` "
            + "is the rest of the tap's extraction time, assumed (`assumed.extract_seconds`).\n\n" + t.text + "\n"
    }

    static func knobSection(_ s: RunSummary) -> String {
        var t = MarkdownTable(["knob", "value", "from"])
        for k in s.scenario.knobs { t.add([k.key, k.value.isEmpty ? "–" : "`\(k.value)`", k.origin]) }
        return "## Knobs\n\nScenario file `\(s.scenario.file)`.\n\n" + t.text + "\n"
    }

    static func provenanceSection(_ s: RunSummary) -> String {
        var out = "## What is measured, sampled and assumed\n\n"
        out += "- **Measured**: discovery scans (real directory listings and `entry_points.txt` reads of \(s.environment.distributions) "
            + "distributions), SQLite statements on the shared system database, state-backend initializations and error paths, "
            + "and HTTP requests to the loopback server (state over HTTP with the `http` backend).\n"
        out += "- **Sampled**: the catalog write (`catalog_sample_lines` of `catalog_lines` lines written for real, one real thread hop "
            + "per line where the profile does so), STATE messages (`state_sample_messages` of `state_messages`) and the tap's "
            + "pages (`http.sample_pages` of `http.pages` GETs); the rest is extrapolated from the sample's mean.\n"
        out += "- **Assumed**: CLI start, other pre-plugin work, the tap's own processing during extraction and the target's tail, "
            + "from the scenario's `assumed.*` keys (the production log); identical for every variant. The extraction's HTTP time is "
            + "measured (`extract`) and adds to the assumed `tap-processing`: the loopback server answers in microseconds, so to model "
            + "a slow API set `http.api.latency_ms` and take `http.pages` × that latency off `assumed.extract_seconds`.\n\n"
        let p = s.costProfile
        out += profileCitation(p) + ": "
        guard !p.units.isEmpty else { return out + "no padding; every time is the Swift mechanism's own.\n\n" }
        let native = [("sqlite.statement_us", "SQLite statements"), ("json.state_us", "STATE JSON")]
            .filter { p.units[$0.0] == nil }.map(\.1) + ["error formatting"]
        out += "\(p.description) Each unit below is padded with busy CPU to its CPython cost; "
            + "\(native.joined(separator: ", ")) \(native.count == 1 ? "is" : "are") native (not calibrated).\n\n"
        out += CostProfileSection.calibration(p.calibration)
        out += (p.calibration.isEmpty ? "" : "\n") + CostProfileSection.unitsTable(units: p.units, sources: p.sources) + "\n"
        return out
    }

    static func failuresSection(_ s: RunSummary) -> String {
        let failed = s.variants.reduce(0) { $0 + $1.failed }
        let f = s.failures
        var out = "## Failures\n\n"
        if failed == 0 && !f.any && s.complete { return out + "None: every planned invocation finished.\n\n" }
        if let why = f.interrupted { out += "- **Interrupted**: \(why).\n" }
        out += "- Invocations that failed by design (`on_error: fail`): \(failed - (f.httpFailedInvocations ?? 0)).\n"
        out += HTTPSection.failureLines(f)
        out += "- Invocations lost (never finished): \(f.lostInvocations).\n"
        out += "- Worker processes that exited non-zero or by a signal: \(f.workerExits); killed after their timeout: \(f.workerTimeouts).\n"
        out += "- Lines from workers that were not events (kept in events.jsonl as `malformed_line`): \(f.malformedLines).\n\n"
        return out
    }

    static func integritySection(_ s: RunSummary) -> String {
        guard let i = s.integrity else { return "" }
        var out = "## System database after the run\n\n"
        out += "- `runs`: \(i.runsRows) rows (\(i.runsByState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); "
            + "\(i.nonTerminalRuns) not terminal.\n"
        out += "- `state`: \(i.stateRows) \(i.locksLeft == nil ? "rows" : "`state.json` objects on the server") for \(i.expectedStateRows) "
            + "jobs; \(i.stateWritesRecorded) writes recorded vs \(i.stateWritesReported) reported by workers: \(i.lostUpdates) lost updates.\n"
        if let locks = i.locksLeft, let matching = i.stateDocumentsMatchingLastWrite {
            out += "- Object store: \(matching) of \(i.expectedStateRows) `state.json` equal to the last state written to them; "
                + "\(locks) locks left behind.\n"
        }
        out += i.ok ? "- Consistent.\n\n" : "- **Inconsistent**: see the numbers above.\n\n"
        return out
    }

    static func environmentSection(_ s: RunSummary) -> String {
        let m = s.machine, e = s.environment
        return "## Environment\n\n- Machine: \(m.cpuModel), \(m.cpuCount) cores, \(m.os), kernel \(m.kernel), load average \(f(m.loadAverage)); Swift \(m.swiftVersion).\n"
            + "- Distributions scanned: \(e.description).\n\n"
    }

    static func rawSection(_ s: RunSummary) -> String {
        var out = "<details><summary>Raw numbers</summary>\n\n"
        var t = MarkdownTable(["variant", "invocation", "ok", "scans", "lookups", "backends()", "add-on objects", "groups", "error paths", "cache hits"],
                              numeric: [1, 3, 4, 5, 6, 7, 8, 9])
        for v in s.variants {
            for c in v.invocations {
                t.add([v.name, "\(c.index)", c.succeeded ? "yes" : "no", "\(c.scans)", "\(c.lookups)", "\(c.backendsCalls)",
                       "\(c.addonObjects)", "\(c.groupsTouched)", "\(c.errorPaths)", "\(c.persistentHits)"])
            }
        }
        out += "Discovery counts per invocation, in the order they started:\n\n" + t.text + "\n"
        var st = MarkdownTable(["variant", "statements", "transactions", "busy waits", "busy wait ms", "retries", "heartbeats", "job overlaps"],
                               numeric: [1, 2, 3, 4, 5, 6, 7])
        for v in s.variants {
            st.add([v.name, "\(v.storage.statements)", "\(v.storage.transactions)", "\(v.storage.busyWaits)",
                    f(Double(v.storage.busyWaitNs) / 1e6, 1), "\(v.storage.retries)", "\(v.heartbeats)", "\(v.jobOverlaps)"])
        }
        out += "SQLite work per variant:\n\n" + st.text + "\n"
        let messages = Set(s.variants.flatMap(\.errorMessages)).sorted()
        if !messages.isEmpty {
            out += "Error messages met:\n\n" + messages.map { "- `\($0)`" }.joined(separator: "\n") + "\n\n"
        }
        return out + "</details>\n"
    }

    static func knob(_ s: RunSummary, _ key: String) -> String { s.scenario.knobs.first { $0.key == key }?.value ?? "" }
}
