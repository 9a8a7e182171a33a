import ArgumentParser

/// `simulate`: how many minutes a Meltano change really costs end to end.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Replay a Meltano pipeline workload in worker processes and estimate, in minutes, what a change costs.",
        discussion: """
            Runs each variant (a Meltano version profile or a discovery-caching strategy) through the same seeded plan of \
            simulated `meltano run` invocations, doing the real work (entry-point scans, SQLite state, catalog writes), \
            and writes runs/<scenario>-<time>/REPORT.md, summary.json and events.jsonl. \
            Every option of the default subcommand: `simulate run --help`.

            Examples:
              simulate --scenario matatika
              simulate --scenario matatika --packages 400 --error-rate 0.2
              simulate --variants meltano-3.6.0,meltano-3.7.9,persistent
              simulate --scenario smoke --set catalog_lines=5000
              simulate keys
              simulate variants
              simulate profile --meltano 4.2.0
              simulate timeline scenarios/matatika-logs/OK-*.txt
            """,
        subcommands: [
            RunCommand.self, SweepCommand.self, FitCommand.self, CompareCommand.self, CalibrateCommand.self,
            KeysCommand.self,
            VariantsCommand.self, ProfileCommand.self, WorkerCommand.self, ZygoteCommand.self, BenchCommand.self,
            BenchCacheCommand.self, BenchLaunchCommand.self,
            BenchHTTPCommand.self, TimelineCommand.self, ScenarioCommand.self, ScanCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
