import Foundation

/// Meltano 4 console logs made up for tests: per run of a job, the few lines the log reader needs
/// for a complete run (its job name, the target's `Reader ... completed` line, `Block run completed`).
enum SyntheticMeltanoLog {
    /// One run of each job in turn, a second per line from `start` seconds into 8 January of `year`.
    static func text(jobs: [String], year: Int = 2026, start: Int = 36_000) -> String {
        var second = start
        var lines: [String] = []
        for (index, job) in jobs.enumerated() {
            lines += run(job: job, index: index, year: year, second: &second)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One complete run of `job`; `second` moves past its last line.
    static func run(job: String, index: Int, year: Int, second: inout Int) -> [String] {
        let runID = String(format: "00000000-%04d-7cad-8fd5-d8d0ef6b1444", index % 10_000)
        let reader =
            "Reader 'target-y' completed processing 206 lines of input (1 schemas, 200 records, "
            + "0 batch manifests, 5 state messages, 0 activate version messages)."
        let body: [(String, String, String)] = [
            ("meltano", "info", "Environment 'dev' is active"),
            ("meltano", "info", "Running job with name '\(job)' and run ID '\(runID)'"),
            ("meltano", "warning", "Force option is enabled, ignoring stale job check."),
            ("target-y", "info", "target-y v0.1.0, Meltano SDK v0.48.1"),
            ("tap-x", "info", "tap-x v0.1.0, Meltano SDK v0.48.1"),
            ("target-y", "info", reader),
            ("meltano", "info", "Block run completed"),
            ("meltano", "info", "Run completed"),
        ]
        return body.map { plugin, level, text in
            defer { second += 1 }
            let stamp = String(
                format: "%04d-01-%02dT%02d:%02d:%02d.000000Z", year, 8 + second / 86_400, second / 3_600 % 24,
                second / 60 % 60, second % 60)
            return "\(stamp) [\(level.padding(toLength: 9, withPad: " ", startingAt: 0))] "
                + "\(plugin.padding(toLength: 12, withPad: " ", startingAt: 0)) \(text)"
        }
    }
}
