import Analysis
import Application
import ArgumentParser
import Environment
import Foundation
import Model
import ProcessControl
import Report
import Scenario

/// `simulate sweep`: a grid of knob values, one real run per cell, a table and a chart.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of knob values and tabulate each variant's regression.",
        discussion: """
            Give any knob a list (a,b,c) or an inclusive range (start:end:step), with its flag or --set: \
            simulate sweep --scenario matatika --packages 50,200,1000 --error-rate 0,0.05,0.2. \
            The first swept knob is the chart's x axis, the second one line per value. \
            Writes runs/sweep-<scenario>-<time>/SWEEP.md, sweep.svg and one run folder per cell.
            """
    )

    @OptionGroup var scenarioOptions: ScenarioOptions
    @Option(help: "Write into this new folder instead of runs/sweep-<scenario>-<time>/.") var output: String?
    @Option(
        name: .customLong("chart-variant"),
        help: "The variant the chart shows (default: the observed one, else the first non-baseline).")
    var chartVariant: String?

    func run() throws {
        let cwd = scenarioOptions.cwd
        // Swept knobs are the overrides holding several values, in the order they were typed.
        let arguments = CommandLine.arguments
        var axes: [(SweepAxis, Int)] = []
        var fixed: [ScenarioOverride] = []
        for o in try scenarioOptions.overrides() {
            let isList =
                ScenarioKeys.key(named: o.key).map { if case .list = $0.kind { return true } else { return false } }
                ?? false
            if !isList,
                let axis = try scenarioOptions.asBadInput({
                    try SweepAxis.parse(key: o.key, text: o.text, flag: o.flag)
                })
            {
                let position =
                    arguments.firstIndex { $0 == o.flag || $0.hasPrefix(o.flag + "=") || $0.contains("\(o.key)=") }
                    ?? Int.max
                axes.append((axis, position))
            } else {
                fixed.append(o)
            }
        }
        guard !axes.isEmpty else {
            throw SimulateExit.badInput("sweep: give at least one knob several values (e.g. --packages 50,200,1000)")
        }
        let ordered = axes.sorted { $0.1 < $1.1 }.map(\.0)
        try scenarioOptions.asBadInput { try Sweep.checkSize(of: ordered) }
        // The first cell stands for the scenario in names and labels (every cell is validated before running).
        let firstCell = ordered.map { ScenarioOverride(key: $0.key, text: $0.labels[0], flag: "sweep") }
        let swept = Set(ordered.map(\.key))
        let loaded = try scenarioOptions.load(extra: firstCell, swept: swept)
        let base = loaded.0
        try scenarioOptions.checkPaths(base, output: output)
        let folder = try scenarioOptions.claimFolder(output: output, name: "sweep-\(base.name)")
        // A sweep refused before its first cell leaves nothing behind.
        defer { RunFolder.removeIfEmpty(folder) }
        let options = scenarioOptions.options(output: nil, progress: false, command: "")
        let sweep = Sweep(axes: ordered, options: options) { extra in
            try scenarioOptions.derive(from: loaded, extra: extra)
        }
        let started = Date()
        let cells: [Sweep.Cell]
        do {
            cells = try sweep.run(into: folder) { k, n in
                FileHandle.standardError.write(Data("sweep: cell \(k)/\(n)\n".utf8))
            }
        } catch let error as SimulateExit {
            throw error
        } catch let interrupted as Subprocess.Interrupted {
            // Ctrl-C while a child ran: the exit is the interrupt's (main.swift), not a failure.
            throw interrupted
        } catch {
            throw SimulateExit.failure(PathDisplay.relative(String(describing: error), to: cwd))
        }
        let variants = base.variants.map(\.name).filter { $0 != base.baseline.name }
        let focal = chartVariant ?? base.focalVariant
        let axisList: [SweepReport.Axis] = ordered.map { ($0.key, $0.values) }
        let reportCells = cells.map {
            SweepReport.Cell(
                knobs: $0.knobs, folder: $0.folder, complete: $0.complete, regression: $0.variants,
                topPhase: $0.topPhase, wallSeconds: $0.wallSeconds, fleet: $0.fleet)
        }
        let settings =
            fixed.flatMap { ["--set", "\($0.key)=\($0.text)"] }
            + ordered.flatMap { ["--set", "\($0.key)=\($0.labels.joined(separator: ","))"] }
        let command = ScenarioOptions.reproduceCommand(base, subcommand: ["sweep"], arguments: settings)
        let markdown = SweepReport.markdown(
            scenario: base.name, baseline: base.baseline.name, axes: axisList, variants: variants,
            chartVariant: focal, cells: reportCells, command: command, seconds: Date().timeIntervalSince(started))
        try Data(markdown.utf8).write(to: folder.appendingPathComponent("SWEEP.md"), options: .atomic)
        try Data(SweepReport.svg(axes: axisList, variant: focal, baseline: base.baseline.name, cells: reportCells).utf8)
            .write(to: folder.appendingPathComponent(SweepReport.chartFile), options: .atomic)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(cells).write(to: folder.appendingPathComponent("sweep.json"), options: .atomic)
        print(markdown)
        print("Sweep: \(PathDisplay.relative(folder.appendingPathComponent("SWEEP.md").path, to: cwd))")
    }
}
