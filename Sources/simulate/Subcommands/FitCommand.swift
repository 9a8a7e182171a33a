import Analysis
import Application
import ArgumentParser
import Environment
import Foundation
import Model
import ProcessControl
import Report
import Scenario

/// `simulate fit`: which value of one knob explains an observed regression, if any does.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Find the value of one knob that makes a variant's estimated regression equal an observed one.",
        discussion: """
            Each step is a real run of the baseline and the variant. Knobs: catalog-lines (0 to 2,000,000), \
            packages (1 to 10,000), error-rate (0 to 1). Says so when no value in range explains the observation. \
            Example: simulate fit --scenario matatika --observed 12.6m --knob catalog-lines
            """
    )

    @OptionGroup var scenarioOptions: ScenarioOptions
    // `.unconditional`: a negative change (`--observed -3m`) is a value, not a flag.
    @Option(
        parsing: .unconditional,
        help:
            "The observed regression: minutes (12.6m or 12.6) or seconds (756s); with --observed-phase, taken from the logs."
    )
    var observed: String?
    @Option(
        name: .customLong("observed-phase"),
        help:
            "Fit to this phase of the scenario's production logs (start, pre-plugin, extraction, ...) instead of the total."
    )
    var observedPhase: String?
    @Option(help: "The knob to fit: catalog-lines, packages or error-rate.") var knob: String
    @Option(help: "The variant whose regression is observed (default: the scenario's observed variant).") var variant:
        String?
    @Option(help: "Write into this new folder instead of runs/fit-<scenario>-<time>/.") var output: String?

    func run() throws {
        let cwd = scenarioOptions.cwd
        let phase = try observedPhase.map { name -> LogPhase in
            guard let phase = LogPhase(rawValue: name) else {
                throw SimulateExit.badInput(
                    "command line (--observed-phase): '\(name)' is not one of \(LogPhase.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return phase
        }
        if phase == nil && observed == nil {
            throw SimulateExit.badInput("command line (--observed): give the observed regression, or --observed-phase")
        }
        let given = try observed.map { text -> Double in
            guard let minutes = Self.minutes(text) else {
                throw SimulateExit.badInput(
                    "command line (--observed): expected minutes like 12.6m or seconds like 756s, at most "
                        + "\(Fit.observedMinutesBound.formatted()) min either way, got '\(text)'")
            }
            return minutes
        }
        guard let spec = Fit.range(for: knob) else {
            throw SimulateExit.badInput(
                "command line (--knob): '\(knob)' is not one of \(Fit.knobNames.joined(separator: ", "))")
        }
        let loaded = try scenarioOptions.load()
        let base = loaded.0
        try scenarioOptions.checkPaths(base, output: output)
        let minutes: Double
        do {
            // A phase is simulated against the scenario's logs, so --observed-phase needs them even with --observed.
            let logged = try phase.map { try Fit.observedMinutes(of: $0, scenario: base, currentDirectory: cwd) }
            minutes = given ?? logged!
        } catch let error as ScenarioError {
            throw SimulateExit.badInput(error.description)
        }
        if let variant, !base.variants.contains(where: { $0.name == variant }) {
            throw SimulateExit.badInput("command line (--variant): '\(variant)' is not one of the scenario's variants")
        }
        // Both ends of the range must make valid scenarios before anything is written.
        for end in [spec.lower, spec.upper] {
            _ = try scenarioOptions.derive(
                from: loaded, extra: [ScenarioOverride(key: spec.key, text: spec.text(end), flag: "--knob \(knob)")])
        }
        let folder = try scenarioOptions.claimFolder(output: output, name: "fit-\(base.name)")
        // A fit refused before its first step leaves nothing behind.
        defer { RunFolder.removeIfEmpty(folder) }
        var fit = Fit(
            knob: knob, observedMinutes: minutes,
            options: scenarioOptions.options(output: nil, progress: false, command: "")
        ) {
            try scenarioOptions.derive(from: loaded, extra: $0)
        }
        fit.observedPhase = phase
        let result: Fit.Result
        do {
            result = try fit.run(into: folder, variant: variant) {
                FileHandle.standardError.write(Data("fit: \($0)\n".utf8))
            }
        } catch let error as SimulateExit {
            throw error
        } catch let interrupted as Subprocess.Interrupted {
            // Ctrl-C while a child ran: the exit is the interrupt's (main.swift), not a failure.
            throw interrupted
        } catch {
            throw SimulateExit.failure(PathDisplay.relative(String(describing: error), to: cwd))
        }
        let command = ScenarioOptions.reproduceCommand(
            base, subcommand: ["fit"],
            arguments: (observed.map { ["--observed", $0] } ?? [])
                + (observedPhase.map { ["--observed-phase", $0] } ?? [])
                + ["--knob", knob] + base.commandLineOverrides + (variant.map { ["--variant", $0] } ?? []))
        let markdown = FitReport.markdown(
            scenario: base.name, knob: result.knob, integer: spec.integer,
            variant: result.variant, observed: minutes,
            sentence: result.sentence, steps: result.steps, command: command)
        try Data(markdown.utf8).write(to: folder.appendingPathComponent("FIT.md"), options: .atomic)
        print(result.sentence)
        print("Fit: \(PathDisplay.relative(folder.appendingPathComponent("FIT.md").path, to: cwd))")
    }

    /// `12.6m`, `12.6` → 12.6; `756s` → 12.6; nil unless the number is in the grammar and within
    /// `Fit.observedMinutesBound` (in minutes).
    static func minutes(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, secondsPerUnit): (Substring, Double) =
            t.hasSuffix("s") ? (t.dropLast(), 1) : t.hasSuffix("m") ? (t.dropLast(), 60) : (t[...], 60)
        let bound = Fit.observedMinutesBound * 60 / secondsPerUnit
        return NumberGrammar.number(String(number), in: -bound...bound).map { $0 * secondsPerUnit / 60 }
    }
}
