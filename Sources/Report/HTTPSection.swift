import Analysis
import Model

/// The report's HTTP section: per variant and phase, requests, retries by cause, latency
/// percentiles and bytes; and the loopback server's own counts of the faults it injected.
enum HTTPSection {
    static func render(_ s: RunSummary) -> String {
        let rows = s.variants.flatMap { v in (v.http ?? []).map { (v.name, $0) } }
        guard !rows.isEmpty || s.httpServer != nil else { return "" }
        var out = "## HTTP\n\n"
        let f = MarkdownReport.f
        var t = MarkdownTable(
            [
                "variant", "phase", "calls", "requests", "retries 5xx / timeout / reset / connect", "gave up",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "backoff ms", "KiB sent / received", "connections",
            ],
            numeric: [2, 3, 5, 6, 7, 8, 9, 10, 12])
        for (variant, p) in rows {
            let r = p.retries
            t.add([
                variant, p.phase.rawValue, "\(p.calls)", "\(p.requests)",
                "\(r.serverError) / \(r.timeout) / \(r.reset) / \(r.connect)",
                "\(p.failures.total)", f(p.latencyMs.median, 3), f(p.latencyMs.p90, 3), f(p.latencyMs.p99, 3),
                f(p.latencyMs.max, 1),
                f(p.backoffMs, 1), "\(f(Double(p.bytesSent) / 1024, 1)) / \(f(Double(p.bytesReceived) / 1024, 1))",
                "\(p.connectionsOpened)",
            ])
        }
        if !rows.isEmpty {
            out +=
                "Client side (libcurl, one reused handle per worker), summed over each variant's invocations. A request is one "
                + "attempt; latency covers every attempt, answered or timed out."
            if rows.contains(where: { $0.1.phase == .pages }) {
                out +=
                    " `\(Phase.pages)` reads \(s[\.http.samplePages]) of \(s[\.http.pages]) pages for real "
                    + "(`\(ScenarioKeys.table.http.samplePages.name)` of `\(ScenarioKeys.table.http.pages.name)`) and is "
                    + "extrapolated to all of them, like the other sampled phases."
            }
            out += "\n\n" + MarkdownReport.fold(t, "HTTP per variant and phase") + "\n"
        }
        if let server = s.httpServer {
            var st = MarkdownTable(
                ["endpoint", "requests", "answered 503", "stalled", "dropped", "KiB sent"], numeric: [1, 2, 3, 4, 5])
            for e in server.endpoints {
                st.add([
                    e.endpoint, "\(e.requests)", "\(e.serverErrors)", "\(e.stalls)", "\(e.drops)",
                    f(Double(e.bytesSent) / 1024, 1),
                ])
            }
            let faults = server.endpoints.reduce(0) { $0 + $1.serverErrors + $1.stalls + $1.drops }
            out +=
                "Loopback server (Hummingbird, 127.0.0.1:\(server.port)); "
                + (faults == 0
                    ? "it injected no faults:\n\n" : "it injected \(faults) faults, seeded by the scenario's seed:\n\n")
                + st.text
            out +=
                "\nAfter the run the server stopped \(server.stoppedGracefully ? "gracefully" : "**only when cancelled**") and "
                + (server.portClosedAfterRun
                    ? "nothing listens on port \(server.port).\n\n"
                    : "**port \(server.port) still accepts connections**.\n\n")
        }
        return out
    }

    /// Failures section lines about HTTP: calls that gave up and the invocations they failed.
    static func failureLines(_ f: FailureCounts) -> String {
        guard let gaveUp = f.httpCallsGaveUp, gaveUp.total > 0 || (f.httpFailedInvocations ?? 0) > 0 else { return "" }
        return
            "- HTTP calls that gave up after their retries: \(gaveUp.total) (5xx \(gaveUp.serverError), timeout \(gaveUp.timeout), "
            + "reset \(gaveUp.reset), connect \(gaveUp.connect), other \(gaveUp.other)); invocations they failed: \(f.httpFailedInvocations ?? 0).\n"
    }
}
