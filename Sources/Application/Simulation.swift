import Analysis
import Environment
import Foundation
import HTTP
import Model
import Pipeline
import ProcessControl
import Report
import Scenario
import Storage

/// One whole run, in the order of docs/architecture.md ("Data flow"): environment and services (the system database, the
/// loopback HTTP server), plan, workers, events, integrity check, analysis, and the report in a
/// fresh output folder.
public struct Simulation {
    public struct Options: Sendable {
        /// Where `runs/<name>-<time>/` folders go.
        public var outputRoot: URL
        /// A specific output folder (must not exist yet).
        public var output: URL?
        /// Where synthetic environments are cached between runs.
        public var cacheRoot: URL
        public var progress: Bool
        /// The command line that reproduces this run, for the report.
        public var command: String
        public var executable: String?

        public init(
            outputRoot: URL, output: URL?, cacheRoot: URL, progress: Bool, command: String, executable: String? = nil
        ) {
            self.outputRoot = outputRoot
            self.output = output
            self.cacheRoot = cacheRoot
            self.progress = progress
            self.command = command
            self.executable = executable
        }
    }

    public struct Result: Sendable {
        public let folder: RunFolder
        public let summary: RunSummary
    }

    public let scenario: Scenario
    public let costProfile: CostProfile
    public let options: Options
    /// How workers start; nil for this machine's processes (`LocalWorkerLauncher`, as the scenario's
    /// `worker_spawn` says). Tests hand in workers that run in memory.
    let launcher: WorkerLauncherFactory?

    public init(
        scenario: Scenario, costProfile: CostProfile, options: Options, launcher: WorkerLauncherFactory? = nil
    ) {
        self.scenario = scenario
        self.costProfile = costProfile
        self.options = options
        self.launcher = launcher
    }

    /// The real environment the scenario names: an interpreter's `sys.path` (`python`), or
    /// `site_packages` folders; nil for a synthetic one. An interpreter that cannot be run is bad input.
    public static func realEnvironment(_ scenario: Scenario) throws -> PreparedEnvironment? {
        if !scenario.python.isEmpty {
            guard scenario.sitePackages.isEmpty else {
                throw ScenarioError(
                    location: scenario.origins["python"] ?? scenario.file, key: "python",
                    problem: "give either python or site_packages, not both")
            }
            do { return try PreparedEnvironment.interpreter(scenario.python) } catch let failure
                as InterpreterPath.Failure
            {
                throw ScenarioError(
                    location: scenario.origins["python"] ?? scenario.file, key: "python", problem: failure.description)
            }
        }
        return try sitePackagesEnvironment(scenario)
    }

    public func run() throws -> Result {
        // Check a real environment and the production logs before anything is written.
        let realEnvironment = try Self.realEnvironment(scenario)
        let observedLogs = try ObservedLogsLoader.load(
            scenario, currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let launcherChoice = try LauncherChoice.resolve(scenario)
        let loadAtStart = MachineInfo.loadAverage()
        let folder = try RunFolder.create(
            root: options.outputRoot, scenarioName: scenario.name, explicit: options.output)
        // A start that fails before the workers run leaves no half-made run folder behind.
        var started = false
        defer { if !started { try? FileManager.default.removeItem(at: folder.url) } }
        let environment =
            try realEnvironment
            ?? SyntheticEnvironment.prepare(
                packages: scenario.packages, seed: scenario.seed, cacheRoot: options.cacheRoot,
                shape: scenario.environmentShape)
        let systemDatabase = try SystemDatabaseSetup.prepare(systemdb: scenario[\.systemdb], folder: folder)
        let plan = InvocationPlan(scenario: scenario)
        // Cold runs measure warm against cold first, side by side, so the report can say what cold costs here.
        let coldReference =
            scenario.cacheMode == .cold ? ScanCacheComparison.measure(pathEntries: environment.pathEntries) : nil
        // The server lives exactly as long as the workers need it; the defer stops it on every
        // way out (errors, and SIGINT/SIGTERM, which the coordinator turns into an incomplete run).
        let server =
            HTTPKnobs.needsServer(scenario)
            ? try LoopbackServer.start(
                source: scenario.http.source, faults: scenario.http.faultPlan(seed: scenario.seed),
                host: scenario[\.http.bindAddress]) : nil
        defer { server?.stop() }
        var batch = WorkerBatch(
            scenario: scenario, costProfile: costProfile, pathEntries: environment.pathEntries,
            places: WorkerBatch.Places(
                systemDatabase: systemDatabase, stateRoot: folder.stateRoot.path,
                discoveryCache: folder.discoveryCache.path, scratch: folder.scratch.path,
                httpServer: server.map { HTTPKnobs.locator(of: $0, scenario: scenario) }))
        // The microbench may give a variant its own environment (the note measured fix-branch at 96 packages).
        var variantDistributions: [String: Int] = [:]
        if scenario.workload == .microbench && realEnvironment == nil {
            for variant in scenario.variants {
                guard let n = scenario.variantPackages[variant.name], n != scenario.packages else { continue }
                let own = try SyntheticEnvironment.prepare(
                    packages: n, seed: scenario.seed, cacheRoot: options.cacheRoot, shape: scenario.environmentShape)
                batch.discovery.variantPathEntries[variant.name] = own.pathEntries
                variantDistributions[variant.name] = own.distributionCount
            }
        }
        let executable = options.executable ?? ChildProcess.currentExecutable()
        let coordinator = Coordinator(
            scenario: scenario, batch: batch, folder: folder, executable: executable, progress: options.progress,
            launcher: launcher
                ?? { [scenario] in
                    launcherChoice.make(
                        scenario: scenario, executable: executable,
                        runName: "simulate-" + folder.url.lastPathComponent, stderrFD: $0)
                })
        let accumulator = RunAccumulator(scenario: scenario, plan: plan.invocations)
        started = true
        // From the workers' start to the written report: the first SIGINT/SIGTERM ends the run as
        // incomplete, a second one right after it cannot lose the report (docs/usage.md, "Interrupting a run").
        InterruptSignals.install()
        defer { InterruptSignals.remove() }
        let record = try coordinator.run(plan: plan, accumulator: accumulator)
        let integrity =
            scenario.workload == .pipeline
            ? try IntegrityCheck.runUnlessUnreachable(
                folder: folder, systemDatabase: systemDatabase, stateBackend: scenario.stateBackend,
                facts: accumulator.integrity, objectStore: server?.store) : nil
        // Stopped before the analysis so that the summary can say whether the port is free again.
        let serverSummary = server.map { HTTPServerSummary(stats: $0.stats, stop: $0.stop()) }
        let info = EnvironmentInfo(
            kind: realEnvironment == nil ? "synthetic" : "real", pathEntries: environment.pathEntries.count,
            distributions: environment.distributionCount, entryPointFiles: environment.entryPointFileCount,
            reused: environment.reused,
            description: ReportPaths.displayPaths(
                in: environment.description,
                known: environment.pathEntries + scenario.sitePackages + [scenario.python]))
        let summary = RunAnalyzer().analyze(
            .init(
                scenario: scenario, accumulator: accumulator, command: options.command,
                startedAt: record.startedAt,
                wallSeconds: record.wallSeconds, complete: record.complete, workerProcesses: record.workerProcesses,
                environment: info, costProfile: costProfile, integrity: integrity, loadAverageAtStart: loadAtStart,
                coldReference: coldReference, variantDistributions: variantDistributions, httpServer: serverSummary,
                workerSpawn: record.workerSpawn.rawValue, observedLogs: observedLogs))
        try write(summary: summary, to: folder)
        return Result(folder: folder, summary: summary)
    }

    /// The scenario's real `site-packages` folders, checked: each must be a folder that can be
    /// listed, and together they must hold a distribution (a scan of nothing measures nothing).
    /// Bad ones are bad input naming where `site_packages` was set; nil for a synthetic environment.
    static func sitePackagesEnvironment(_ scenario: Scenario) throws -> PreparedEnvironment? {
        guard !scenario.sitePackages.isEmpty else { return nil }
        func problem(_ text: String) -> ScenarioError {
            ScenarioError(
                location: scenario.origins["site_packages"] ?? "site_packages", key: "site_packages", problem: text)
        }
        for path in scenario.sitePackages {
            if let what = FileKind.of(path).notAFolder { throw problem("\(path): \(what)") }
        }
        let environment: PreparedEnvironment
        do { environment = try PreparedEnvironment.existing(paths: scenario.sitePackages) } catch {
            throw problem(String(describing: error))
        }
        guard environment.distributionCount > 0 else {
            throw problem(
                "no distribution (*.dist-info or *.egg-info folder) in \(scenario.sitePackages.joined(separator: ", ")): "
                    + "a scan of nothing measures nothing")
        }
        return environment
    }

    /// Writes summary.json and REPORT.md, each atomically (a temporary file, then a rename).
    func write(summary: RunSummary, to folder: RunFolder) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(summary).write(to: folder.summary, options: .atomic)
        try Data(MarkdownReport.render(summary).utf8).write(to: folder.report, options: .atomic)
        if summary.scenario.workload == .pipeline, !RunChart.drawn(summary).isEmpty {
            try Data(RunChart.svg(summary).utf8).write(
                to: folder.url.appendingPathComponent(RunChart.fileName), options: .atomic)
        }
    }
}
