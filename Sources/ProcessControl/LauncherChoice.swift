import Environment
import Foundation
import Model

/// The launcher a scenario asks for (`launcher.*`), resolved before anything is written: the
/// engine's commands found on `PATH`, the hosts listed, the worker binary named. What cannot be
/// resolved is bad input naming the key.
public struct LauncherChoice: Sendable, CustomStringConvertible {
    /// nil: this machine (`LocalWorkerLauncher`, the scenario's `worker_spawn`).
    public let engine: EngineWorkerLauncher.Engine?
    /// The binary each node runs; nil: this one.
    public let workerBinary: String?

    /// The scenario's launcher, checked.
    public static func resolve(_ scenario: Scenario) throws -> LauncherChoice {
        let keys = ScenarioKeys.table.launcher
        func problem<V>(_ key: ScenarioKey<V>, _ text: String) -> ScenarioError {
            ScenarioError(location: scenario.origins[key.name] ?? scenario.file, key: key.name, problem: text)
        }
        func command(_ name: String) throws -> String {
            guard let path = Subprocess.executablePath(name) else {
                throw problem(keys.engine, "\(scenario[\.launcher.engine]) needs `\(name)` on PATH, and there is none")
            }
            return path
        }
        let binary = scenario[\.launcher.workerBinary]
        let workerBinary = binary.isEmpty ? nil : binary
        switch scenario[\.launcher.engine] {
        case .local:
            return .local
        case .slurm:
            let engine = EngineWorkerLauncher.Engine.slurm(
                srun: try command("srun"), scancel: Subprocess.executablePath("scancel"),
                arguments: scenario[\.launcher.srunArguments])
            return LauncherChoice(engine: engine, workerBinary: workerBinary)
        case .ssh:
            let hosts = scenario[\.launcher.hosts].filter { !$0.isEmpty }
            guard !hosts.isEmpty else { throw problem(keys.hosts, "the ssh launcher needs at least one host") }
            if let bad = hosts.first(where: { $0.hasPrefix("-") || $0.contains(where: \.isWhitespace) }) {
                throw problem(keys.hosts, "'\(bad)' is not a host name (no leading '-', no spaces)")
            }
            let config = scenario[\.launcher.sshConfig]
            if !config.isEmpty, let what = FileKind.of(config).notAFile {
                throw problem(keys.sshConfig, "\(config): \(what)")
            }
            let engine = EngineWorkerLauncher.Engine.ssh(
                ssh: try command("ssh"), config: config.isEmpty ? nil : config, hosts: hosts)
            return LauncherChoice(engine: engine, workerBinary: workerBinary)
        }
    }

    /// How workers start, in words: "local exec", "srun", "ssh to 2 hosts".
    public var description: String {
        switch engine {
        case nil: "local exec"
        case .slurm: "srun"
        case .ssh(_, _, let hosts): "ssh to \(hosts.count) host\(hosts.count == 1 ? "" : "s")"
        }
    }

    /// This machine's launcher.
    public static let local = LauncherChoice(engine: nil, workerBinary: nil)

    /// The run's launcher: workers are `executable worker` here (forked or exec'd as `localMode`,
    /// by default the scenario's `worker_spawn`), or the engine's command around the worker
    /// binary; `runName` names the run's Slurm jobs.
    public func make(
        scenario: Scenario, executable: String, runName: String, stderrFD: Int32, localMode: WorkerSpawnMode? = nil
    ) -> any WorkerLauncher {
        guard let engine else {
            return LocalWorkerLauncher(
                mode: localMode ?? scenario.workerSpawn, executable: executable, stderrFD: stderrFD)
        }
        return EngineWorkerLauncher(
            engine: engine, workerBinary: workerBinary ?? executable, runName: runName, stderrFD: stderrFD)
    }
}
