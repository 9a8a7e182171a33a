import Application
import ArgumentParser
import Foundation
import Model
import Pipeline
import ProcessControl
import Report
import Scenario

/// The options every scenario-running subcommand shares: which scenario, its knobs, where output goes.
struct ScenarioOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Scenario name (scenarios/NAME.yaml here or next to the binary's package) or a path to a YAML file.")
    var scenario: String = "matatika"

    // `.unconditional` so that `--packages -3` reaches validation (one line, exit 2) rather than
    // being taken for a flag.
    @Option(parsing: .unconditional, help: "Distributions in the synthetic site-packages.") var packages: String?
    @Option(
        name: .customLong("error-rate"), parsing: .unconditional,
        help: "Probability in [0, 1] that a state-backend init meets an unknown scheme.")
    var errorRate: String?
    @Option(parsing: .unconditional, help: "Worker processes running at once.") var workers: String?
    @Option(parsing: .unconditional, help: "Simulated invocations per variant.") var invocations: String?
    @Option(help: "Comma-separated variants to compare (see `simulate variants`).") var variants: String?
    @Option(parsing: .unconditional, help: "Seed for the plan order, error decisions and the synthetic environment.")
    var seed: String?
    @Option(
        name: .customLong("catalog-lines"), parsing: .unconditional,
        help: "Catalog lines a tap prints per invocation in production.")
    var catalogLines: String?
    @Option(name: .customLong("cost-profile"), help: "cpython (pad to CPython costs) or native.") var costProfile:
        String?
    @Option(help: "Page cache before each scan: warm, or cold (the environment's pages dropped first; no root needed).")
    var cache: String?
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Set any scenario key (see `simulate keys`); repeatable.", valueName: "key=value"))
    var assignments: [String] = []
    @Option(
        name: .customLong("site-packages"),
        help: ArgumentHelp("Scan this real folder instead of a synthetic environment; repeatable.", valueName: "path"))
    var sitePackages: [String] = []
    @Option(
        help: ArgumentHelp(
            "Scan this interpreter's sys.path (as its console scripts see it) instead of a synthetic environment.",
            valueName: "python"))
    var python: String?
    @Option(
        help: ArgumentHelp(
            "The system database: sqlite (default), or a PostgreSQL server's postgresql:// URL (docs/systemdb.md).",
            valueName: "sqlite|url"))
    var systemdb: String?
    @Option(name: .customLong("output-root"), help: "Folder that receives run folders.") var outputRoot: String = "runs"
    @Option(
        name: .customLong("cache-dir"), help: "Where synthetic environments are cached (default: <output-root>/.cache)."
    )
    var cacheDir: String?

    var cwd: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath) }

    /// The named flags and `--set`, in the order the loader applies them (`--set` last wins).
    func overrides() throws -> [ScenarioOverride] {
        var list: [ScenarioOverride] = []
        // Each named flag is its key in the command-line spelling (`--error-rate` sets `error_rate`).
        let k = ScenarioKeys.table
        let named: [(AnyScenarioKey, String?)] = [
            (k.packages.erased, packages), (k.errorRate.erased, errorRate), (k.workers.erased, workers),
            (k.invocations.erased, invocations), (k.variants.erased, variants), (k.seed.erased, seed),
            (k.catalogLines.erased, catalogLines), (k.costProfile.erased, costProfile), (k.cacheMode.erased, cache),
            (k.python.erased, python), (k.systemdb.erased, systemdb),
        ]
        for (key, value) in named {
            if let value {
                list.append(
                    ScenarioOverride(key: key.name, text: value, flag: "--" + ScenarioKeys.commandLineName(key.name)))
            }
        }
        if !sitePackages.isEmpty {
            list.append(
                ScenarioOverride(
                    key: k.sitePackages.name, text: sitePackages.joined(separator: ","), flag: "--site-packages"))
        }
        for assignment in assignments { list.append(try ScenarioOverride.parseSet(assignment)) }
        return list
    }

    /// Loads and validates the scenario with `extra` overrides applied last, and its cost profile.
    /// Overrides of the `swept` keys are left out (a sweep supplies one value at a time).
    /// Bad input becomes a one-line message and exit status 2.
    func load(extra: [ScenarioOverride] = [], swept: Set<String> = []) throws -> (Scenario, CostProfile) {
        try asBadInput {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: cwd)
            let file = try ScenarioLoader.locate(scenario, currentDirectory: cwd, executable: executable)
            let loaded = try ScenarioLoader.load(
                file: file, displayName: PathDisplay.relative(file.path, to: cwd),
                overrides: try overrides().filter { !swept.contains($0.key) } + extra)
            return (loaded, try CostProfileLocator.load(for: loaded, scenarioFile: file, currentDirectory: cwd))
        }
    }

    /// One step of a sweep or fit: the scenario loaded once, with `extra` applied in memory (its
    /// file is not read again), and its cost profile, read again only when the step changes it.
    func derive(from base: (Scenario, CostProfile), extra: [ScenarioOverride]) throws -> (Scenario, CostProfile) {
        try asBadInput {
            let scenario = try base.0.applying(extra)
            guard scenario.costProfile != base.0.costProfile || scenario.costFile != base.0.costFile else {
                return (scenario, base.1)
            }
            let file = URL(fileURLWithPath: scenario.file, relativeTo: cwd)
            return (scenario, try CostProfileLocator.load(for: scenario, scenarioFile: file, currentDirectory: cwd))
        }
    }

    /// A scenario or cost profile that cannot be used is bad input: one line, exit status 2.
    @discardableResult
    func asBadInput<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ScenarioError {
            throw SimulateExit.badInput(error.description)
        } catch let error as CostProfileError {
            throw SimulateExit.badInput(error.description)
        }
    }

    /// Checks every path before the run starts: `--site-packages` (folders holding distributions),
    /// `--output` (a new folder), `--output-root` and, for a synthetic environment, `--cache-dir`
    /// (folders that take new folders), and `files` (flag, path: files to write). A bad one is one
    /// line naming the flag, the path and what is wrong, exit status 2, and nothing is written.
    func checkPaths(_ scenario: Scenario, output: String?, files: [(flag: String, path: String?)] = []) throws {
        do { _ = try Simulation.realEnvironment(scenario) } catch let error as ScenarioError {
            throw SimulateExit.badInput(error.description)
        }
        let synthetic = scenario.sitePackages.isEmpty
        func check(_ flag: String, _ path: String?, _ problem: (URL) -> String?) throws {
            guard let path, let what = problem(URL(fileURLWithPath: path, relativeTo: cwd)) else { return }
            throw SimulateExit.badInput("\(flag) \(path): \(what)")
        }
        try check("--output", output, PathCheck.newFolder)
        if output == nil { try check("--output-root", outputRoot, PathCheck.folder) }
        if synthetic { try check("--cache-dir", cacheDir ?? outputRoot + "/.cache", PathCheck.folder) }
        for file in files { try check(file.flag, file.path, PathCheck.newFile) }
    }

    func options(output: String?, progress: Bool, command: String) -> Simulation.Options {
        Simulation.Options(
            outputRoot: URL(fileURLWithPath: outputRoot, relativeTo: cwd),
            output: output.map { URL(fileURLWithPath: $0, relativeTo: cwd) },
            cacheRoot: URL(fileURLWithPath: cacheDir ?? outputRoot + "/.cache", relativeTo: cwd),
            progress: progress, command: command)
    }

    /// The output folder of a fit or a sweep, made now and exclusively (`RunFolder.claim`): `output`,
    /// which must not exist (bad input), or a fresh `<output root>/<name>-<time>`.
    func claimFolder(output: String?, name: String) throws -> URL {
        guard let output else {
            return try RunFolder.claim(root: URL(fileURLWithPath: outputRoot, relativeTo: cwd), name: name)
        }
        let url = URL(fileURLWithPath: output, relativeTo: cwd)
        guard try RunFolder.claimExplicit(url) else {
            throw SimulateExit.badInput("\(url.relativePath): output folder already exists")
        }
        return url
    }

    /// The Reproduce line of every report (REPORT.md, FIT.md, SWEEP.md): the scenario as given, then
    /// `arguments` (by default every knob changed on the command line). Each path is shown as a report
    /// shows it and quoted for a POSIX shell (`ReportPaths.reproduceLine`).
    static func reproduceCommand(_ s: Scenario, subcommand: [String] = [], arguments: [String]? = nil) -> String {
        ReportPaths.reproduceLine(
            ["simulate"] + subcommand + ["--scenario", s.file] + (arguments ?? s.commandLineOverrides))
    }
}
