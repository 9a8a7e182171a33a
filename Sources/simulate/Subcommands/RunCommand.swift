import ArgumentParser
import Coordinator
import Foundation
import Pipeline
import Report
import Scenario

/// `simulate [run] --scenario NAME`: the main job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write its report (the default subcommand).",
        discussion: """
        Exit status: 0 the run is complete; 2 bad input (scenario, knob or cost profile), nothing written; \
        3 the run finished incomplete (a worker died, hung or was killed; the report says so); 1 any other failure.
        """
    )

    @Option(name: .long, help: "Scenario name (scenarios/NAME.yaml here or next to the binary's package) or a path to a YAML file.")
    var scenario: String = "matatika"

    // `.unconditional` so that `--packages -3` reaches validation (one line, exit 2) rather than
    // being taken for a flag.
    @Option(parsing: .unconditional, help: "Distributions in the synthetic site-packages.") var packages: String?
    @Option(name: .customLong("error-rate"), parsing: .unconditional, help: "Probability in [0, 1] that a state-backend init meets an unknown scheme.")
    var errorRate: String?
    @Option(parsing: .unconditional, help: "Worker processes running at once.") var workers: String?
    @Option(parsing: .unconditional, help: "Simulated invocations per variant.") var invocations: String?
    @Option(help: "Comma-separated variants to compare (see `simulate variants`).") var variants: String?
    @Option(parsing: .unconditional, help: "Seed for the plan order, error decisions and the synthetic environment.") var seed: String?
    @Option(name: .customLong("catalog-lines"), parsing: .unconditional, help: "Catalog lines a tap prints per invocation in production.")
    var catalogLines: String?
    @Option(name: .customLong("cost-profile"), help: "cpython (pad to CPython costs) or native.") var costProfile: String?
    @Option(help: "Page cache before each scan: warm, or cold (the environment's pages dropped first; no root needed).") var cache: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set any scenario key (see `simulate keys`); repeatable.", valueName: "key=value"))
    var assignments: [String] = []
    @Option(name: .customLong("site-packages"), help: ArgumentHelp("Scan this real folder instead of a synthetic environment; repeatable.", valueName: "path"))
    var sitePackages: [String] = []
    @Option(help: "Write into this new folder instead of runs/<scenario>-<time>/.") var output: String?
    @Option(name: .customLong("output-root"), help: "Folder that receives run folders.") var outputRoot: String = "runs"
    @Option(name: .customLong("cache-dir"), help: "Where synthetic environments are cached (default: <output-root>/.cache).")
    var cacheDir: String?

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd)
        let loaded: Scenario
        let costs: CostProfile
        do {
            let file = try ScenarioLoader.locate(scenario, currentDirectory: cwd, executable: executable)
            loaded = try ScenarioLoader.load(file: file, displayName: PathDisplay.relative(file.path, to: cwd), overrides: try overrides())
            costs = try CostProfileLocator.load(for: loaded, scenarioFile: file, currentDirectory: cwd)
            if let output, FileManager.default.fileExists(atPath: URL(fileURLWithPath: output, relativeTo: cwd).path) {
                throw CleanExit.badInput("\(output): output folder already exists; choose a new one")
            }
        } catch let error as ScenarioError {
            throw CleanExit.badInput(error.description)
        } catch let error as CostProfileError {
            throw CleanExit.badInput(error.description)
        }
        let options = Simulation.Options(
            outputRoot: URL(fileURLWithPath: outputRoot, relativeTo: cwd),
            output: output.map { URL(fileURLWithPath: $0, relativeTo: cwd) },
            cacheRoot: URL(fileURLWithPath: cacheDir ?? outputRoot + "/.cache", relativeTo: cwd),
            progress: isatty(2) == 1,
            command: reproduceCommand(loaded))
        let result: Simulation.Result
        do {
            result = try Simulation(scenario: loaded, costProfile: costs, options: options).run()
        } catch {
            throw CleanExit.failure(PathDisplay.relative(String(describing: error), to: cwd))
        }
        print(result.summary.headline)
        if result.summary.scenario.workload == "microbench" { print("\n" + MicrobenchSection.render(result.summary)) }
        print("Report: \(PathDisplay.relative(result.folder.report.path, to: cwd))")
        print("Summary: \(PathDisplay.relative(result.folder.summary.path, to: cwd))")
        if !result.summary.complete { throw ExitCode(3) }
    }

    /// The named flags and `--set`, in the order the loader applies them (`--set` last wins).
    func overrides() throws -> [ScenarioOverride] {
        var list: [ScenarioOverride] = []
        let named: [(String, String?, String)] = [
            ("packages", packages, "--packages"), ("error_rate", errorRate, "--error-rate"), ("workers", workers, "--workers"),
            ("invocations", invocations, "--invocations"), ("variants", variants, "--variants"), ("seed", seed, "--seed"),
            ("catalog_lines", catalogLines, "--catalog-lines"), ("cost_profile", costProfile, "--cost-profile"), ("cache", cache, "--cache"),
        ]
        for (key, value, flag) in named { if let value { list.append(ScenarioOverride(key: key, text: value, flag: flag)) } }
        if !sitePackages.isEmpty {
            list.append(ScenarioOverride(key: "site_packages", text: sitePackages.joined(separator: ","), flag: "--site-packages"))
        }
        for assignment in assignments { list.append(try ScenarioOverride.parseSet(assignment)) }
        return list
    }

    /// The command that makes the same run again: the scenario as given plus every changed knob.
    func reproduceCommand(_ s: Scenario) -> String {
        (["simulate", "--scenario", s.file] + s.commandLineOverrides).joined(separator: " ")
    }
}

/// Ends the process with a one-line message on stderr and a documented status.
enum CleanExit {
    static func badInput(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("simulate: \(message)\n".utf8))
        return ExitCode(2)
    }

    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("simulate: \(message)\n".utf8))
        return ExitCode(1)
    }
}
