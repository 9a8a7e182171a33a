import Foundation
import Model

/// "Fleet": a fleet run's day per variant: queueing at production scale (computed), the replay's
/// own queueing (measured), CPU per run and per day, and the system database against concurrency.
/// A table that would only say "nobody waited" is one line instead, and so are concurrency levels
/// whose latencies are the level's below in every variant.
enum FleetSection {
    static func render(_ s: RunSummary) -> String {
        guard let fleet = s.fleet, !fleet.variants.isEmpty else { return "" }
        var out =
            "## Fleet\n\nA day of \(fleet.runsPerDay.formatted()) `meltano run`s (\(fleet.arrivals) arrivals) on "
            + "\(fleet.slots) slot\(fleet.slots == 1 ? "" : "s"), replayed with real concurrency: every run its own "
            + "worker process, each variant's day compressed into \(MarkdownReport.f(fleet.replayDaySeconds, 1)) s of "
            + "wall time, the variants one after another.\n\n"
        out += productionQueue(fleet) + replayQueue(fleet) + cpu(fleet, baseline: s.baseline) + database(fleet)
        return out
    }

    static func quiet(_ q: FleetQueueStats) -> Bool { q.runsWaited == 0 && q.backlog == 0 }

    static func productionQueue(_ fleet: FleetSummary) -> String {
        let out =
            "**Queueing in production** (computed): \(fleet.slots) slots serve the day's arrivals first come, first "
            + "served over \(Int(fleet.productionDaySeconds).formatted()) s, each run holding its slot for its "
            + "simulated seconds (assumed phases included) as the replay measured them.\n\n"
        if fleet.variants.allSatisfy({ quiet($0.production) }) {
            let services = fleet.variants.map {
                "\(MarkdownReport.code($0.name)) \(MarkdownReport.f($0.production.meanServiceSeconds, 1)) s"
            }
            return out
                + "No run waits for a slot and none is left at the day's end in any variant (mean run: "
                + services.joined(separator: ", ") + ").\n\n"
        }
        var t = MarkdownTable(
            [
                "variant", "runs", "run s (mean)", "runs waited", "wait p50 s", "wait p95 s", "wait max s",
                "arrival→finish p50 s", "arrival→finish p95 s", "backlog at day end",
            ], numeric: Set(1...9))
        for v in fleet.variants {
            let q = v.production
            t.add(
                [
                    MarkdownReport.cell(v.name), "\(v.runs)", MarkdownReport.f(q.meanServiceSeconds, 1),
                    "\(q.runsWaited)", MarkdownReport.f(q.waitP50Seconds, 1), MarkdownReport.f(q.waitP95Seconds, 1),
                    MarkdownReport.f(q.waitMaxSeconds, 1), MarkdownReport.f(q.arrivalToFinishP50Seconds, 1),
                    MarkdownReport.f(q.arrivalToFinishP95Seconds, 1), "\(q.backlog)",
                ])
        }
        return out + t.text + "\n"
    }

    static func replayQueue(_ fleet: FleetSummary) -> String {
        let out =
            "**The replay** (measured, wall time of this machine): a run's wait runs from its compressed arrival to "
            + "its worker's first event, so it includes starting the worker process as well as any wait for a slot."
            + "\n\n"
        var t = MarkdownTable(
            [
                "variant", "wall s", "wait p50 ms", "wait p95 ms", "wait max ms", "arrival→finish p50 ms",
                "arrival→finish p95 ms", "backlog at day end",
            ], numeric: Set(1...7))
        for v in fleet.variants {
            let q = v.replay
            t.add(
                [
                    MarkdownReport.cell(v.name), MarkdownReport.f(v.replayWallSeconds, 1),
                    MarkdownReport.f(q.waitP50Seconds * 1000, 0), MarkdownReport.f(q.waitP95Seconds * 1000, 0),
                    MarkdownReport.f(q.waitMaxSeconds * 1000, 0),
                    MarkdownReport.f(q.arrivalToFinishP50Seconds * 1000, 0),
                    MarkdownReport.f(q.arrivalToFinishP95Seconds * 1000, 0), "\(q.backlog)",
                ])
        }
        return out + t.text + "\n"
    }

    static func cpu(_ fleet: FleetSummary, baseline: String) -> String {
        guard fleet.variants.contains(where: { $0.cpuSecondsPerRun != nil }) else { return "" }
        var t = MarkdownTable(
            [
                "variant", "CPU s per run (sample)", "CPU s per run (at scale)", "CPU-hours per day",
                "Δ CPU-hours per day",
            ],
            numeric: [1, 2, 3, 4])
        for v in fleet.variants {
            t.add(
                [
                    MarkdownReport.cell(v.name), v.cpuSecondsPerRun.map { MarkdownReport.f($0, 4) } ?? "–",
                    v.cpuSecondsPerRunAtScale.map { MarkdownReport.f($0, 2) } ?? "–",
                    v.cpuHoursPerDay.map { MarkdownReport.f($0, 2) } ?? "–",
                    v.name == baseline ? "baseline" : v.cpuHoursPerDayDelta.map { MarkdownReport.signed($0, 2) } ?? "–",
                ])
        }
        return
            "**CPU** (measured, then carried to production size): the sample is each worker's user + system time "
            + "over its invocation (`getrusage`): the work done for real, the busy padding of the sampled units to "
            + "the cost profile (it spins on the CPU, as CPython would) and the heartbeat thread. At scale: each "
            + "run's CPU share of its sample times its modelled seconds at production size (the thread hop's "
            + "seconds included, the assumed phases of the plugins' own processes not). Per day: CPU s per run at "
            + "scale × \(fleet.runsPerDay.formatted()) runs / 3600.\n\n" + t.text
            + "\n"
    }

    static func database(_ fleet: FleetSummary) -> String {
        func ms(_ v: Double?) -> String { v.map { MarkdownReport.f($0, $0 < 10 ? 2 : 1) } ?? "–" }
        var t = MarkdownTable(
            [
                "variant", "timed", "p50 ms", "p95 ms", "p99 ms", "lock waits", "lock wait s", "retries",
                "connection errors",
            ], numeric: Set(1...8))
        for v in fleet.variants {
            let d = v.database
            t.add(
                [
                    MarkdownReport.cell(v.name), "\(d.statements)", ms(d.latency?.p50Ms), ms(d.latency?.p95Ms),
                    ms(d.latency?.p99Ms), "\(d.lockWaits)", MarkdownReport.f(d.lockWaitSeconds, 3), "\(d.retries)",
                    "\(d.connectionErrors)",
                ])
        }
        var out =
            "**System database** (measured): timed, each statement on its own or whole transaction an invocation "
            + "made, from its first attempt to its end (lock waits and retries included; percentiles within 9%). Retries "
            + "are PostgreSQL's serialization failures and deadlocks, or SQLite's busy re-runs.\n\n" + t.text + "\n"
        out += concurrency(fleet, ms: ms)
        return out
    }

    /// Latency by the runs active when each invocation started; a level with the same percentiles
    /// as the level listed above it, in every variant, is counted instead of listed.
    static func concurrency(_ fleet: FleetSummary, ms: (Double?) -> String) -> String {
        let levels = Array(Set(fleet.variants.flatMap { $0.database.byConcurrency.map(\.high) })).sorted()
        guard levels.count > 1 else { return "" }
        var t = MarkdownTable(
            ["runs active"]
                + fleet.variants.flatMap {
                    ["\(MarkdownReport.cell($0.name)) timed", "p50 ms", "p95 ms", "p99 ms"]
                },
            numeric: Set(1...(4 * fleet.variants.count)))
        var previous: [String]?
        var folded = 0
        for high in levels {
            let bounds = FleetConcurrencyBucket.bounds(of: high)
            var cells: [String] = []
            var percentiles: [String] = []
            for v in fleet.variants {
                let b = v.database.byConcurrency.first { $0.high == high }
                let p = [ms(b?.latency?.p50Ms), ms(b?.latency?.p95Ms), ms(b?.latency?.p99Ms)]
                cells += [b.map { "\($0.statements)" } ?? "0"] + p
                percentiles += p
            }
            if percentiles == previous {
                folded += 1
                continue
            }
            previous = percentiles
            t.add([bounds.low == bounds.high ? "\(bounds.low)" : "\(bounds.low)–\(bounds.high)"] + cells)
        }
        var out = "Statement latency by the runs active when the invocation started (itself included):\n\n"
        out += MarkdownReport.fold(t, "concurrency levels")
        if folded > 0 {
            out +=
                "\n\(folded) more level\(folded == 1 ? "" : "s") had the same percentiles as the level above in "
                + "every variant.\n"
        }
        return out + "\n"
    }
}
