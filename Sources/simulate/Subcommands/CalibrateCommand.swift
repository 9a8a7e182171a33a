import Application
import ArgumentParser
import Environment
import Foundation
import Model
import Pipeline
import ProcessControl
import Report
import Scenario

/// `simulate calibrate`: measures this machine's CPython costs with `scripts/calibrate.py` over the
/// synthetic environments the simulator scans, writes the profile the `cpython` cost profile
/// reads, and prints it.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure CPython's per-unit costs on this machine and write the cpython cost profile.",
        discussion: """
            Prepares synthetic environments at each --packages count (the same ones `simulate` scans), then runs \
            scripts/calibrate.py with --python (any interpreter: calibrate inside your production image by pointing at its \
            python). Every measurement runs in a fresh interpreter process. Writes scenarios/costs/cpython-calibrated.json \
            (git-ignored: it names the interpreter's path), which runs then use instead of the public profile.
            """
    )

    @Option(help: "The interpreter to measure.") var python: String = "python3"
    @Option(
        name: .customLong("site-packages"),
        help: "Also measure entry_points() over this real site-packages (default: the interpreter's own).")
    var sitePackages: String?
    @Option(help: "Comma-separated distribution counts of the synthetic environments (at least two).")
    var packages: String = "50,100,200,400,800,1600"
    // Counts read by the number grammar (`CountFlag`); `.unconditional` so that `-5` reaches the check.
    @Option(
        parsing: .unconditional,
        help: "Fresh interpreter processes per measurement (the least-disturbed one is kept; 1 to 1,000).")
    var repeats = CountFlag(5)
    @Option(parsing: .unconditional, help: "Catalog lines per write measurement (as catalog_sample_lines).")
    var lines = CountFlag(20_000)
    @Option(
        parsing: .unconditional,
        help: "SQLite statements per kind (JSON round trips: ten times as many; 1 to 1,000,000).")
    var iterations = CountFlag(300)
    @Option(help: "ReleaseProfile to write (default: scenarios/costs/cpython-calibrated.json).") var output: String?
    @Option(help: "The calibration script (default: scripts/calibrate.py here or beside the binary's package).")
    var script: String?
    @Option(name: .customLong("cache-dir"), help: "Where synthetic environments are cached.") var cacheDir: String =
        "runs/.cache"
    @Option(parsing: .unconditional, help: "Seed of the synthetic environments (as the scenario's `seed`).")
    var seed = CountFlag(1)

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let sizes = packages.split(separator: ",").compactMap {
            NumberGrammar.integer($0.trimmingCharacters(in: .whitespaces), in: 1...ScenarioKeys.maxPackages)
        }
        guard sizes.count == packages.split(separator: ",").count, Set(sizes).count >= 2 else {
            throw SimulateExit.badInput(
                "--packages: expected at least two different counts from 1 to \(ScenarioKeys.maxPackages.formatted()), "
                    + "got '\(packages)'")
        }
        let repeats = try self.repeats.value("--repeats", in: 1...1_000)
        let lines = try self.lines.value("--lines", as: \.catalogSampleLines)
        let iterations = try self.iterations.value("--iterations", in: 1...1_000_000)
        let seed = try UInt64(self.seed.value("--seed", as: \.seed))
        if python.contains("/")
            && !FileManager.default.isExecutableFile(atPath: URL(fileURLWithPath: python, relativeTo: cwd).path)
        {
            throw SimulateExit.badInput("--python \(python): not an executable file")
        }
        let scriptURL = try locateScript(cwd: cwd)
        let outputURL =
            output.map { URL(fileURLWithPath: $0, relativeTo: cwd) }
            ?? CostProfileLocator.defaultCalibratedPath(currentDirectory: cwd)
        let shownOutput = PathDisplay.relative(outputURL.path, to: cwd)
        // Before minutes of measuring: the profile replaces a regular file only, never a device or a folder.
        if let problem = PathCheck.newFile(outputURL) {
            throw SimulateExit.badInput("--output \(output ?? shownOutput): \(problem)")
        }
        // The script writes beside the profile; only a measurement that reads back replaces it, so an
        // interpreter that measured nothing can never leave an older profile looking fresh.
        let partial = outputURL.deletingLastPathComponent().appendingPathComponent(
            ".\(outputURL.lastPathComponent).partial-\(getpid())")
        defer { try? FileManager.default.removeItem(at: partial) }
        var arguments = [
            scriptURL.path, "--output", partial.path, "--repeats", "\(repeats)", "--lines", "\(lines)",
            "--iterations", "\(iterations)",
        ]
        if let sitePackages {
            arguments += ["--site-packages", URL(fileURLWithPath: sitePackages, relativeTo: cwd).path]
        }
        let cacheRoot = URL(fileURLWithPath: cacheDir, relativeTo: cwd)
        func prepare(_ packages: Int, _ shape: EnvironmentShape, seed: UInt64) throws -> String {
            let environment: PreparedEnvironment
            do {
                environment = try SyntheticEnvironment.prepare(
                    packages: packages, seed: seed, cacheRoot: cacheRoot, shape: shape)
            } catch {
                throw SimulateExit.failure("preparing \(packages) distributions: \(error)")
            }
            let json = try JSONSerialization.data(
                withJSONObject: environment.pathEntries, options: [.withoutEscapingSlashes])
            return String(decoding: json, as: UTF8.self)
        }
        let shaped =
            sizes.sorted().map { (packages: $0, shape: EnvironmentShape.bare) } + SyntheticEnvironment.calibrationShapes
        for (size, shape) in shaped {
            let paths = try prepare(size, shape, seed: seed)
            arguments += ["--env", paths]
        }
        let realShaped = try prepare(65, .meltano379, seed: seed)
        arguments += ["--first-call-env", realShaped]
        let printed = try runPython(arguments)
        let profile: CostProfile
        do {
            guard FileKind.of(partial.path) == .regular else {
                throw SimulateExit.badInput("--python \(python): measured nothing (\(Self.describe(printed)))")
            }
            profile = try CostProfile.load(path: partial.path, shownAs: shownOutput)
            guard !profile.units.isEmpty else {
                throw SimulateExit.badInput("--python \(python): wrote a profile without a measured unit")
            }
            // The one rule for files the tool writes, again at the last moment (`OutputFile`).
            do { try OutputFile.write(Data(contentsOf: partial), to: outputURL) } catch let problem
                as OutputFile.Problem
            {
                throw SimulateExit.writing(problem, flag: "--output", path: output ?? shownOutput)
            }
        } catch let error as CostProfileError {
            throw SimulateExit.badInput("--python \(python): wrote a profile simulate cannot read: \(error)")
        }
        print(Self.render(profile, file: shownOutput))
    }

    /// The profile as `simulate calibrate` prints it: where from, then the units.
    static func render(_ profile: CostProfile, file: String) -> String {
        "Cost profile `\(profile.name)` written to \(file)\n\n" + CostProfileSection.calibration(profile.calibration)
            + "\n"
            + CostProfileSection.unitsTable(
                units: profile.units.mapValues(\.value), sources: profile.units.mapValues(\.source))
    }

    private func locateScript(cwd: URL) throws -> URL {
        if let script {
            let url = URL(fileURLWithPath: script, relativeTo: cwd)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SimulateExit.badInput("\(script): no such calibration script")
            }
            return url
        }
        var candidates = [cwd.appendingPathComponent("scripts/calibrate.py")]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("scripts/calibrate.py"))
            dir = dir.deletingLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw SimulateExit.badInput(
                "scripts/calibrate.py not found here or beside the binary's package (use --script)")
        }
        return found
    }

    /// Runs the interpreter on the script; its progress goes on to our stderr as it comes. Returns
    /// what it did, or throws a one-line bad input when it failed.
    private func runPython(_ arguments: [String]) throws -> Subprocess.Result {
        let result: Subprocess.Result
        do { result = try Subprocess.run(python, arguments, limits: .step, echoStderr: true) } catch let failure
            as Subprocess.Failure
        {
            guard failure.reason != .notFound || python.contains("/") else {
                throw SimulateExit.badInput("--python \(python): not found on PATH")
            }
            throw SimulateExit.badInput("--python \(python): \(failure.explanation)")
        }
        guard result.succeeded else {
            throw SimulateExit.badInput("--python \(python): \(result.how) (\(Self.describe(result)))")
        }
        return result
    }

    /// What an interpreter printed, in a few words for a one-line message: its last line, or that
    /// there was nothing.
    static func describe(_ result: Subprocess.Result) -> String {
        result.lastPrintedLine.map { "its last line: \($0)" } ?? "it printed nothing"
    }
}
