import Foundation
import Model
import Pipeline

/// What a finished (or stopped) run leaves for the analysis.
public struct RunRecord: Sendable {
    public let folder: RunFolder
    public let plan: InvocationPlan
    public let startedAt: Date
    public let wallSeconds: Double
    public let workerProcesses: Int
    /// How the workers were actually started (`exec` after a fallback from the zygote).
    public let workerSpawn: WorkerSpawnMode
    /// False when a worker died, hung or the run was interrupted.
    public let complete: Bool
}

/// Starts workers (at most `workers` at once, through a `WorkerLauncher`: by default
/// `simulate worker` processes forked by a zygote or exec'd), feeds each a batch of the plan
/// on stdin, logs every event as it arrives, kills a worker that outlives its timeout, and records
/// how every worker ended.
public final class Coordinator: @unchecked Sendable {
    let scenario: Scenario
    let batch: WorkerBatch
    let folder: RunFolder
    /// Shows a progress line on stderr (only when it is a terminal).
    let progress: Bool
    /// Makes the run's launcher, given the descriptor workers' stderr goes to.
    let makeLauncher: WorkerLauncherFactory

    /// - Parameter launcher: how workers start; by default this machine's (`LocalWorkerLauncher`,
    ///   the scenario's `worker_spawn`, this binary or `executable`).
    public init(
        scenario: Scenario, batch: WorkerBatch, folder: RunFolder, executable: String? = nil, progress: Bool,
        launcher: WorkerLauncherFactory? = nil
    ) {
        self.scenario = scenario
        self.batch = batch
        self.folder = folder
        let executable = executable ?? ChildProcess.currentExecutable()
        self.progress = progress
        self.makeLauncher =
            launcher ?? { LocalWorkerLauncher(mode: scenario.workerSpawn, executable: executable, stderrFD: $0) }
    }

    /// The `worker_exited` detail when the zygote never said how a worker ended.
    static let unknownStatus = "exit status unknown: the zygote stopped answering before it reported this worker"

    struct Active {
        let child: any WorkerHandle
        let batch: [InvocationSpec]
        let started: UInt64
        var deadline: UInt64
    }

    /// What the reader threads and the main loop share, behind one lock.
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var active: [Int: Active] = [:]
        private var finished = 0
        private var complete = true

        func with<T>(_ body: (inout [Int: Active], inout Int, inout Bool) -> T) -> T {
            lock.withLock { body(&active, &finished, &complete) }
        }
    }

    /// Runs the whole plan, folding every event into `accumulator` as it is logged; returns when
    /// every worker has ended.
    public func run(plan: InvocationPlan, accumulator: any EventFolding) throws -> RunRecord {
        let log = try EventLog(url: folder.events, accumulator: accumulator)
        defer { log.close() }
        let stderrFD = open(folder.workerLog.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard stderrFD >= 0 else { throw ChildProcessError("\(folder.workerLog.path): cannot create (errno \(errno))") }
        defer { close(stderrFD) }
        let launcher = makeLauncher(stderrFD)
        // Also on an error path: the zygote kills any worker left when it is stopped.
        defer { launcher.stop() }
        return try CoordinatorRun(coordinator: self, plan: plan, log: log, launcher: launcher).execute()
    }
}
