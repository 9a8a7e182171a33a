import ArgumentParser
import Foundation
import Model
import Profiling
import Scenario

/// `simulate profile`: measures a Meltano release's behaviour by running its own code, and writes
/// the release profile that `--variants` then takes by name or path (docs/profiles.md).
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure a Meltano release's behaviour from its own code and write its release profile.",
        discussion: """
            Runs a real `meltano run` of a synthetic tap and target in the release's own interpreter, with an \
            instrumentation module loaded into it (entry-point scans per group, thread hand-offs while the catalog \
            is written, the unknown-scheme error as printed), and derives the profile from those counts. Nothing \
            is looked up by version number.

            Examples:
              simulate profile --meltano 4.2.0
              simulate profile --python /path/to/venv/bin/python --name candidate
              simulate --variants meltano-3.6.0,candidate
            """)

    @Option(
        help: ArgumentHelp(
            "A virtual environment's interpreter with some Meltano release installed.", valueName: "python"))
    var python: String?

    @Option(
        help: ArgumentHelp(
            "A release on the package index: its virtual environment is made once in the cache folder and reused.",
            valueName: "version"))
    var meltano: String?

    @Option(help: "The interpreter that makes the --meltano virtual environment.")
    var basePython: String = "python3"

    @Option(help: "The profile's name (default: meltano-<the release's version>).")
    var name: String?

    @Option(help: ArgumentHelp("Where to write it (default: scenarios/profiles/NAME.json).", valueName: "file"))
    var output: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Derive these profile files again from the probe counts they keep (after a change of the derivation rules).",
            valueName: "file"))
    var rederive: [String] = []

    func run() throws {
        if !rederive.isEmpty { return try rederiveFiles() }
        let started = Date()
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // Before the probe runs: the one rule for files the tool writes, and a name that stays a file name.
        if let output, let problem = OutputFile.problem(URL(fileURLWithPath: output, relativeTo: cwd)) {
            throw SimulateExit.badInput("--output \(output): \(problem)")
        }
        if let name, output == nil, name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw SimulateExit.badInput("--name \(name): names a file in the profiles folder (no '/', no leading '.')")
        }
        let (interpreter, how) = try interpreterAndCommand()
        // `--name` only when it is not the default the release's version gives.
        let command = how + (name.map { $0 == "meltano-\(meltano ?? "")" ? "" : " --name \($0)" } ?? "")
        let report: ProbeReport
        do { report = try ReleaseProbe.run(python: interpreter) } catch let failure as ReleaseProbe.Failure {
            throw SimulateExit.badInput(failure.description)
        }
        let chosen = name ?? "meltano-\(report.meltanoVersion)"
        let profile: ReleaseProfile
        do { profile = try ProfileDerivation.derive(report, name: chosen, command: command) } catch {
            throw SimulateExit.badInput("\(error)")
        }
        let destination = try destination(for: chosen, cwd: cwd)
        try Self.write(
            ReleaseProfileFile(profile: profile, probe: report), to: destination,
            flag: output == nil ? "profile" : "--output", shown: output ?? destination.path)
        print(ProfileWriter.describe(profile, report: report))
        print(String(format: "wrote %@ in %.0f s", destination.path, Date().timeIntervalSince(started)))
    }

    /// Each file's profile derived again from its own counts, its name, summary and provenance kept.
    private func rederiveFiles() throws {
        for path in rederive {
            let url = URL(fileURLWithPath: path)
            let file: ReleaseProfileFile
            do { file = try ReleaseProfileFiles.load(url) } catch let error as ScenarioError {
                throw SimulateExit.badInput(error.description)
            }
            guard let probe = file.probe, let command = file.profile.provenance.command else {
                throw SimulateExit.badInput("\(path): a hypothetical profile has no probe counts to derive from")
            }
            do { try probe.check() } catch { throw SimulateExit.badInput("\(path): probe: \(error)") }
            let profile: ReleaseProfile
            do {
                profile = try ProfileDerivation.derive(
                    probe, name: file.profile.name, summary: file.profile.summary, command: command)
            } catch { throw SimulateExit.badInput("\(path): \(error)") }
            try Self.write(ReleaseProfileFile(profile: profile, probe: probe), to: url, flag: "--rederive", shown: path)
            print("\(path): \(profile == file.profile ? "unchanged" : "derived again")")
        }
    }

    /// The interpreter to probe and the command line the profile records (no paths of this machine).
    private func interpreterAndCommand() throws -> (String, String) {
        switch (python, meltano) {
        case (let python?, nil):
            return (python, "simulate profile --python <venv>/bin/python")
        case (nil, let version?):
            let environment: ReleaseEnvironment
            do {
                environment = try ReleaseEnvironment(version: version)
                try environment.prepare(basePython: basePython) { line in
                    FileHandle.standardError.write(Data("simulate profile: \(line)\n".utf8))
                }
            } catch let failure as ReleaseEnvironment.Failure {
                throw SimulateExit.badInput(failure.description)
            }
            return (environment.python, "simulate profile --meltano \(version)")
        default:
            throw SimulateExit.badInput("give exactly one of --python and --meltano")
        }
    }

    /// `--output`, else `NAME.json` in the first profiles folder whose `scenarios/` exists (made if missing).
    private func destination(for name: String, cwd: URL) throws -> URL {
        if let output { return URL(fileURLWithPath: output, relativeTo: cwd).standardizedFileURL }
        let folders = ReleaseProfileFiles.folders(
            currentDirectory: cwd, executable: URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd))
        let folder =
            folders.first { FileManager.default.fileExists(atPath: $0.deletingLastPathComponent().path) }
            ?? cwd.appendingPathComponent("scenarios/\(ReleaseProfileFiles.folderName)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SimulateExit.failure(
                "\(folder.path): cannot create the profiles folder (\(error.localizedDescription))")
        }
        return folder.appendingPathComponent("\(name).json")
    }

    /// Writes a profile file by the one rule for files the tool writes, naming `flag` and `shown` when it cannot.
    private static func write(_ file: ReleaseProfileFile, to url: URL, flag: String, shown: String) throws {
        do { try ProfileWriter.write(file, to: url) } catch let problem as OutputFile.Problem {
            throw SimulateExit.writing(problem, flag: flag, path: shown)
        }
    }
}
