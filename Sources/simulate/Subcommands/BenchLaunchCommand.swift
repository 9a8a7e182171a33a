import Application
import ArgumentParser
import Foundation
import Model
import ProcessControl

/// `simulate bench-launch`: what starting a worker costs through the scenario's launcher (`srun`,
/// `ssh`) beside exec'ing it here, one worker at a time, in alternating rounds.
struct BenchLaunchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-launch",
        abstract: "Benchmark a worker's launch through the scenario's launcher (slurm, ssh) against a local exec.",
        discussion: """
            Each sample starts one `simulate worker` with an empty job and waits for its first event and its end. \
            The two launchers alternate in rounds of --runs each, so they share the machine's conditions. Give the \
            launcher with the scenario or --set launcher.engine=slurm (SLURM_CONF names the cluster); docs/launchers.md.
            """
    )

    @OptionGroup var scenario: ScenarioOptions
    @Option(help: "Workers started per launcher and round.") var runs: String = "50"
    @Option(help: "Rounds (each launcher once per round).") var rounds: String = "2"

    func run() throws {
        let perRound = try Self.count(runs, flag: "--runs")
        let roundCount = try Self.count(rounds, flag: "--rounds")
        let (loaded, _) = try scenario.load()
        let choice = try scenario.asBadInput { try LauncherChoice.resolve(loaded) }
        guard choice.engine != nil else {
            throw SimulateExit.badInput(
                "command line (--set launcher.engine): the scenario's launcher is local; give slurm or ssh to compare")
        }
        var local: [Benchmarks.LaunchTimes] = []
        var engine: [Benchmarks.LaunchTimes] = []
        for round in 1...roundCount {
            FileHandle.standardError.write(Data("bench-launch: round \(round) of \(roundCount)\n".utf8))
            local.append(try Benchmarks.workerLaunch(runs: perRound, choice: .local, scenario: loaded))
            engine.append(try Benchmarks.workerLaunch(runs: perRound, choice: choice, scenario: loaded))
        }
        func middle(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let rows = [
            ("until the first event", middle(local.map(\.firstEvent)), middle(engine.map(\.firstEvent))),
            ("until it has ended", middle(local.map(\.exited)), middle(engine.map(\.exited))),
        ]
        print("| per worker (median of round medians, \(perRound) × \(roundCount)) | local exec | \(choice) | ratio |")
        print("|---|---:|---:|---:|")
        for (label, here, there) in rows {
            print(
                "| \(label) | \(String(format: "%.1f", here / 1e3)) ms | \(String(format: "%.1f", there / 1e3)) ms | "
                    + "\(String(format: "%.1f", there / here))× |")
        }
    }

    /// A count flag through the one number grammar: 1 to 10,000.
    static func count(_ text: String, flag: String) throws -> Int {
        guard let n = NumberGrammar.integer(text, in: 1...10_000) else {
            throw SimulateExit.badInput(
                "command line (\(flag)): expected a whole number from 1 to 10,000, got '\(text)'")
        }
        return n
    }
}
