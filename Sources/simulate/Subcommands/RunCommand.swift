import Analysis
import Application
import ArgumentParser
import Environment
import Foundation
import Model
import ProcessControl
import Report

/// `simulate [run] --scenario NAME`: the main job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write its report (the default subcommand).",
        discussion: """
            Exit status: 0 the run is complete; 2 bad input (scenario, knob, cost profile or path), nothing written; \\
            3 the run finished incomplete (an invocation was lost or failed by an infrastructure fault, a worker died, \\
            the integrity check failed or locks were left; the report says so); 1 any other failure.
            """
    )

    @OptionGroup var scenarioOptions: ScenarioOptions
    @Option(help: "Write into this new folder instead of runs/<scenario>-<time>/.") var output: String?
    @Option(name: .customLong("export-markdown"), help: "Also write the Markdown report to this file.")
    var exportMarkdown: String?
    @Option(name: .customLong("export-json"), help: "Also write summary.json to this file.") var exportJSON: String?
    @Option(name: .customLong("export-csv"), help: "Also write per-variant, per-phase statistics as CSV to this file.")
    var exportCSV: String?

    func run() throws {
        let cwd = scenarioOptions.cwd
        let (scenario, costs) = try scenarioOptions.load()
        try scenarioOptions.checkPaths(
            scenario, output: output,
            files: [("--export-markdown", exportMarkdown), ("--export-json", exportJSON), ("--export-csv", exportCSV)])
        let options = scenarioOptions.options(
            output: output, progress: isatty(2) == 1,
            command: ScenarioOptions.reproduceCommand(scenario))
        let result: Simulation.Result
        do {
            result = try Simulation(scenario: scenario, costProfile: costs, options: options).run()
            try Exports(markdown: exportMarkdown, json: exportJSON, csv: exportCSV).write(result, cwd: cwd)
        } catch let error as ScenarioError {
            throw SimulateExit.badInput(error.description)
        } catch let interrupted as Subprocess.Interrupted {
            throw interrupted
        } catch let exit as SimulateExit {
            throw exit
        } catch {
            throw SimulateExit.failure(PathDisplay.relative(String(describing: error), to: cwd))
        }
        print(result.summary.headline)
        if result.summary.scenario.workload == .microbench { print("\n" + MicrobenchSection.render(result.summary)) }
        print("Report: \(PathDisplay.relative(result.folder.report.path, to: cwd))")
        print("Summary: \(PathDisplay.relative(result.folder.summary.path, to: cwd))")
        if !result.summary.complete { throw SimulateExit.incomplete }
    }
}

/// `--export-markdown`, `--export-json`, `--export-csv`: copies of a run's outputs where the user wants them.
struct Exports {
    var markdown: String?
    var json: String?
    var csv: String?

    /// Each file by the one rule for files the tool writes (`OutputFile`), checked before the run too.
    func write(_ result: Simulation.Result, cwd: URL) throws {
        func export(_ flag: String, _ path: String?, _ data: () throws -> Data) throws {
            guard let path else { return }
            do { try OutputFile.write(data(), to: URL(fileURLWithPath: path, relativeTo: cwd)) } catch let problem
                as OutputFile.Problem
            {
                throw SimulateExit.writing(problem, flag: flag, path: path)
            }
        }
        try export("--export-markdown", markdown) { try Data(contentsOf: result.folder.report) }
        try export("--export-json", json) { try Data(contentsOf: result.folder.summary) }
        try export("--export-csv", csv) { Data(CSVExport.render(result.summary).utf8) }
    }
}
