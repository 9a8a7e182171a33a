import Environment
import Foundation
import Model

/// Starts each worker through a command of an engine people already run, `srun` or `ssh`: the
/// command's stdin and stdout are the worker's, so the protocol is the local one (the batch as
/// JSON on stdin, one event per line on stdout). The worker may run on another node; what it
/// reaches (the run folder, the environment, the system database, the HTTP server) it finds by
/// the locators and paths its batch carries, so those must be reachable from there
/// (docs/fleet.md, "Launchers").
///
/// A worker's end is the command's end: a step or a node that dies ends `srun` or `ssh` with an
/// error status, and the coordinator counts the batch's unfinished invocations as lost.
public final class EngineWorkerLauncher: WorkerLauncher, @unchecked Sendable {
    /// The engine and what it needs, resolved before the run starts.
    public enum Engine: Sendable, Equatable {
        /// `srun` (and `scancel`, to end a job whose `srun` was killed) with extra arguments.
        case slurm(srun: String, scancel: String?, arguments: [String])
        /// `ssh`, an optional `ssh_config` (`-F`), and the hosts workers start on, in turn.
        case ssh(ssh: String, config: String?, hosts: [String])
    }

    let engine: Engine
    let workerBinary: String
    let runName: String
    let stderrFD: Int32
    private let lock = NSLock()
    private var launched = 0
    private var handles: [EngineWorkerHandle] = []

    /// Each worker is `workerBinary worker` started through `engine`; `runName` names its Slurm jobs.
    public init(engine: Engine, workerBinary: String, runName: String, stderrFD: Int32) {
        self.engine = engine
        self.workerBinary = workerBinary
        self.runName = runName
        self.stderrFD = stderrFD
    }

    /// Every worker is exec'd by the engine's command: there is no zygote to fork from.
    public var mode: WorkerSpawnMode { .exec }

    public func launch(input: Data) throws -> any WorkerHandle {
        let index = lock.withLock {
            launched += 1
            return launched - 1
        }
        let command = EngineCommand(engine: engine, workerBinary: workerBinary, jobName: "\(runName)-w\(index)")
        let (executable, arguments) = command.launch(index: index)
        let process = try ChildProcess(
            executable: executable, arguments: arguments, input: input, stderrFD: stderrFD)
        let handle = EngineWorkerHandle(process: process, command: command, host: command.host(index: index))
        lock.withLock { handles.append(handle) }
        return handle
    }

    /// Ends any worker still running (an error path): its command, and the job behind it.
    public func stop() {
        for handle in lock.withLock({ handles }) where !handle.process.hasEnded { handle.kill(SIGKILL) }
    }
}

/// The command lines of one engine: the one that starts a worker, and the ones that signal it.
struct EngineCommand: Sendable {
    let engine: EngineWorkerLauncher.Engine
    let workerBinary: String
    /// The Slurm job name of this worker (one job per worker when `srun` runs outside an allocation).
    let jobName: String

    /// Keeps a dead host from holding a worker's session open: ssh gives up after 3 × 5 s unanswered.
    static let sshOptions = ["-T", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]

    /// The executable and arguments that start worker number `index`.
    func launch(index: Int) -> (String, [String]) {
        switch engine {
        case .slurm(let srun, _, let extra):
            // One task on one node; --quiet keeps srun's own chatter out of the worker log.
            return (
                srun,
                ["--quiet", "--nodes=1", "--ntasks=1", "--kill-on-bad-exit=1", "--job-name=\(jobName)"] + extra
                    + ["--", workerBinary, "worker"]
            )
        case .ssh(let ssh, let config, _):
            // ssh hands the remote shell one string: quoted, so that a path with spaces stays one word.
            return (ssh, configArguments(config) + Self.sshOptions + [host(index: index)!, remoteWorkerCommand])
        }
    }

    /// `exec BINARY worker` as the remote shell reads it.
    var remoteWorkerCommand: String { "exec " + ShellCommand.line([workerBinary, "worker"]) }

    /// The host worker `index` runs on (ssh), in turn; nil for Slurm, which places the step itself.
    func host(index: Int) -> String? {
        guard case .ssh(_, _, let hosts) = engine, !hosts.isEmpty else { return nil }
        return hosts[index % hosts.count]
    }

    /// The command that sends `signal` to a worker whose own pid on `host` is `pid`, when the
    /// engine needs one besides signalling its local command (nil otherwise).
    func signalCommand(_ signal: Int32, host: String?, remotePid: pid_t?) -> (String, [String])? {
        switch engine {
        case .slurm(_, let scancel, _):
            // A killed srun normally takes its job with it; scancel makes sure (and cancels a job
            // still waiting for resources, which has no process yet).
            guard signal == SIGKILL, let scancel else { return nil }
            return (scancel, ["--quiet", "--name=\(jobName)"])
        case .ssh(let ssh, let config, _):
            guard let host, let remotePid else { return nil }
            return (ssh, configArguments(config) + Self.sshOptions + [host, "kill -\(signal) \(remotePid)"])
        }
    }

    private func configArguments(_ config: String?) -> [String] { config.map { ["-F", $0] } ?? [] }
}

/// A worker started through an engine: its local `srun` or `ssh` process, and the worker's own
/// pid where it runs (from its `worker_started` event), which an ssh signal needs.
final class EngineWorkerHandle: WorkerHandle, @unchecked Sendable {
    let process: ChildProcess
    let command: EngineCommand
    let host: String?
    private let lock = NSLock()
    private var remotePid: pid_t?

    init(process: ChildProcess, command: EngineCommand, host: String?) {
        self.process = process
        self.command = command
        self.host = host
    }

    /// The local command's pid: the worker's own is on its node, in its `worker_started` event.
    var pid: pid_t { process.pid }

    func readLines(limit: Int, _ line: (Substring) -> Void, overlong: (_ bytes: Int, _ head: String) -> Void)
        -> String?
    {
        process.readLines(
            limit: limit,
            { text in
                if lock.withLock({ remotePid == nil }), let pid = Self.startedPid(text) {
                    lock.withLock { remotePid = pid }
                }
                line(text)
            }, overlong: overlong)
    }

    func wait() -> Int32? { process.wait() }

    /// srun forwards SIGTERM, SIGINT and SIGCONT to the step, and a killed srun ends its job; ssh
    /// forwards nothing, so the signal goes to the worker's pid on its host through a second
    /// ssh, and SIGKILL also ends the local session (a host that does not answer cannot hold it).
    func kill(_ signal: Int32) {
        let pid = lock.withLock { remotePid }
        if let (executable, arguments) = command.signalCommand(signal, host: host, remotePid: pid) {
            DetachedCommand.run(executable, arguments)
        }
        if case .ssh = command.engine, pid != nil, signal != SIGKILL { return }
        process.kill(signal)
    }

    /// How the worker's first line starts (`WorkerProcess` writes it by hand, in this order).
    static let startedPrefix = "{\"event\":\"worker_started\",\"pid\":"

    /// The pid in a `worker_started` line.
    static func startedPid(_ line: Substring) -> pid_t? {
        guard line.hasPrefix(startedPrefix) else { return nil }
        return pid_t(line.dropFirst(startedPrefix.count).prefix { $0.isNumber })
    }
}

/// A short command run on a thread of its own, its output discarded, killed after `limit`
/// seconds: signalling a worker through its engine must never hold up the coordinator's loop.
enum DetachedCommand {
    static func run(_ executable: String, _ arguments: [String], limit: Double = 15) {
        Thread.detachNewThread {
            let null = open("/dev/null", O_RDWR)
            defer { close(null) }
            guard
                case .success(let pid) = ProcessSpawn.spawn(
                    executable: executable, arguments: arguments, stdio: [null, null, null])
            else { return }
            let child = ChildProcess(spawned: pid)
            let deadline = MonotonicClock.now() + UInt64(limit * 1e9)
            while !child.hasEnded {
                if MonotonicClock.now() > deadline { child.kill(SIGKILL) }
                usleep(20_000)
            }
            _ = child.wait()
        }
    }
}
