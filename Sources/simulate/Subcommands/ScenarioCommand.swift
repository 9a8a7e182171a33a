import Application
import ArgumentParser
import Foundation
import Logs
import Model
import Scenario

/// `simulate scenario --from-logs LOG...`: a scenario file made from an operator's Meltano logs.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Write a scenario file from Meltano logs: per job its runs, catalog size and assumed seconds.",
        discussion: """
            Splits the logs as `simulate timeline` does and, per job (tap→target pair with its state ID), takes its \
            complete runs: runs per period, the median seconds of each log phase, records and STATE messages. \
            With --regressed, fits each job's catalog size to its pre-plugin change between the two releases. \
            Assumed seconds are what the model does not simulate: the observed median minus the simulated part. \
            Keys the logs do not give are written with their defaults, or --set. The header says where every \
            value came from. See docs/workload-from-logs.md.

            Exit status: 0; 2 for bad input (a log with no complete run, a job in only one set, a release change \
            inside one set, an unknown release or key): one line, no file written.

            Example:
              simulate scenario --from-logs scenarios/matatika-logs/OK-*.txt \\
                --regressed scenarios/matatika-logs/SLOW-f78c1b80-*.txt \\
                --baseline-release meltano-3.6.0 --regressed-release meltano-3.7.9 --output my.yaml
            """
    )

    @Option(
        name: .customLong("from-logs"), parsing: .upToNextOption,
        help: ArgumentHelp("The baseline release's logs.", valueName: "log"))
    var fromLogs: [String] = []
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "The regressed release's logs of the same jobs: fits each job's catalog size.", valueName: "log"))
    var regressed: [String] = []
    @Option(help: "The scenario file to write (replaced if it exists).") var output: String
    @Option(help: "The baseline's release profile (default: the release the logs name).") var baselineRelease: String?
    @Option(help: "The regressed release's profile (default: the release its logs name).") var regressedRelease: String?
    @Option(help: "The scenario's name (default: the output file's name).") var name: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a key the logs do not give.", valueName: "key=value"))
    var assignments: [String] = []

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard !fromLogs.isEmpty else { throw SimulateExit.badInput("scenario: give --from-logs LOG...") }
        let overrides = try Self.overrides(assignments)
        let destination = URL(fileURLWithPath: output, relativeTo: cwd).standardizedFileURL
        let folder = destination.deletingLastPathComponent()
        // Before the logs are read: the one rule for files the tool writes (a regular file or nothing).
        if let problem = OutputFile.problem(destination) {
            throw SimulateExit.badInput("--output \(output): \(problem)")
        }
        let before = try Self.workload(fromLogs, flag: "--from-logs")
        let after = try regressed.isEmpty ? nil : Self.workload(regressed, flag: "--regressed")
        let baselineProfile = try Self.release(baselineRelease, named: before.release, flag: "--baseline-release")
        let regressedProfile =
            try (after != nil || regressedRelease != nil)
            ? Self.release(regressedRelease, named: after?.release, flag: "--regressed-release") : nil
        let costs: CostProfile
        do {
            costs = try CostProfileLocator.load(
                kind: ScenarioKeys.table.costProfile.value(in: overrides),
                costFile: ScenarioKeys.table.costFile.value(in: overrides), scenarioFile: destination,
                currentDirectory: cwd)
        } catch let error as CostProfileError {
            throw SimulateExit.badInput(error.message)
        }
        let maker = ScenarioFromLogs(
            baseline: before, regressed: after, baselineRelease: baselineProfile, regressedRelease: regressedProfile,
            costs: costs, overrides: overrides,
            name: name ?? destination.deletingPathExtension().lastPathComponent,
            command: ShellCommand.line(["simulate"] + CommandLine.arguments.dropFirst()),
            baselineLogPaths: fromLogs.map { PathDisplay.relativePath(of: $0, from: folder, currentDirectory: cwd) },
            regressedLogPaths: regressed.map { PathDisplay.relativePath(of: $0, from: folder, currentDirectory: cwd) })
        let made: (document: ScenarioDocument, warnings: [String])
        do { made = try maker.make() } catch let error as ObservedWorkloadError {
            throw SimulateExit.badInput("error: \(error)")
        }
        for line in made.warnings { Self.warn(line) }
        do { try ScenarioWriter.write(made.document, to: destination, as: output) } catch let error as ScenarioError {
            throw SimulateExit.badInput("\(error); not written: the scenario made from the logs would not load")
        } catch let problem as OutputFile.Problem {
            throw SimulateExit.writing(problem, flag: "--output", path: output)
        }
        print("Scenario: \(output) (\(before.jobs.count) jobs, \(before.runs) runs in \(before.periodLabel))")
    }

    /// Reads one set of logs; a log given twice, a log that cannot be read, has no Meltano process,
    /// or a set with no complete run or two releases is bad input. Says per log how many runs were skipped.
    static func workload(_ paths: [String], flag: String) throws -> ObservedWorkload {
        if let repeated = ScenarioFromLogs.repeatedLog(in: paths) {
            throw SimulateExit.badInput(
                "command line (\(flag)): \(repeated.description); give each log once (its runs would count twice)")
        }
        var budget = LogReadBudget()
        let logs = try paths.map { try TimelineCommand.read($0, budget: &budget) }
        let workload: ObservedWorkload
        do { workload = try ObservedWorkload(logs) } catch let error as ObservedWorkloadError {
            throw SimulateExit.badInput("error: \(error)")
        }
        for log in workload.logs where log.skippedCount > 0 {
            let why = log.skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            warn(
                "\(log.name): skipped \(log.skippedCount) of \(log.runs) runs (\(why.joined(separator: ", "))); "
                    + "the scenario uses the complete ones")
        }
        return workload
    }

    /// The release profile a flag names, else the one the logs name.
    static func release(_ flagValue: String?, named: String?, flag: String) throws -> ReleaseProfile {
        guard let chosen = flagValue ?? named else {
            throw SimulateExit.badInput(
                "error: give \(flag) NAME: the logs do not name their Meltano release (`simulate variants` lists the profiles)"
            )
        }
        if let flagValue, let named, flagValue != named {
            warn("\(flag) \(flagValue) differs from the release the logs name (\(named)); using \(flagValue)")
        }
        do { return try ReleaseProfileFiles.variant(chosen).release } catch let error as ScenarioError {
            throw SimulateExit.badInput("command line (\(flag)): \(error.problem)")
        } catch let problem as KeyProblem {
            throw SimulateExit.badInput("command line (\(flag)): \(problem.text)")
        }
    }

    /// `--set key=value`, validated as the run command validates it.
    static func overrides(_ assignments: [String]) throws -> [String: ScenarioValue] {
        var values: [String: ScenarioValue] = [:]
        for assignment in assignments {
            do {
                let set = try ScenarioOverride.parseSet(assignment)
                if let key = ScenarioKeys.key(named: set.key) {
                    switch key.parse(commandLine: set.text) {
                    case .success(let value): values[key.name] = value
                    case .failure(let problem):
                        throw ScenarioError(location: "command line (--set)", key: key.name, problem: problem.text)
                    }
                } else {
                    throw ScenarioError(location: "command line (--set)", key: set.key, problem: "unknown key")
                }
            } catch let error as ScenarioError {
                throw SimulateExit.badInput(error.description)
            }
        }
        return values
    }

    static func warn(_ line: String) { FileHandle.standardError.write(Data("simulate: \(line)\n".utf8)) }
}
