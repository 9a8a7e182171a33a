import Foundation
import Pipeline
import Scenario

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

/// Starts `simulate worker` processes (at most `workers` at once; forked by a zygote or exec'd,
/// see `WorkerLauncher`), feeds each a batch of the plan
/// on stdin, logs every event as it arrives, kills a worker that outlives its timeout, and records
/// how every worker ended.
public final class Coordinator: @unchecked Sendable {
    let scenario: Scenario
    let job: WorkerJob
    let folder: RunFolder
    let executable: String
    /// Shows a progress line on stderr (only when it is a terminal).
    let progress: Bool

    public init(scenario: Scenario, job: WorkerJob, folder: RunFolder, executable: String? = nil, progress: Bool) {
        self.scenario = scenario
        self.job = job
        self.folder = folder
        self.executable = executable ?? ChildProcess.currentExecutable()
        self.progress = progress
    }

    /// The `worker_exited` detail when the zygote never said how a worker ended.
    static let unknownStatus = "exit status unknown: the zygote stopped answering before it reported this worker"

    struct Active {
        let child: ChildProcess
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
        let startedAt = Date()
        let t0 = MonotonicClock.now()
        let log = try EventLog(url: folder.events, accumulator: accumulator)
        defer { log.close() }
        let stderrFD = open(folder.workerLog.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard stderrFD >= 0 else { throw ChildProcessError("\(folder.workerLog.path): cannot create (errno \(errno))") }
        defer { close(stderrFD) }
        let launcher = WorkerLauncher(
            mode: scenario.workerSpawn,
            executable: executable, stderrFD: stderrFD)
        // Also on an error path: the zygote kills any worker left when it is stopped.
        defer { launcher.stop() }

        var pending = plan.batches(size: scenario.invocationsPerProcess)[...]
        let total = plan.invocations.count
        let shared = Shared()
        var spawned = 0
        let workerEnded = DispatchSemaphore(value: 0)
        let group = DispatchGroup()

        func spawnNext() throws {
            guard let batch = pending.popFirst() else { return }
            let id = spawned
            spawned += 1
            // Its own scratch folder, removed once it is reaped: a worker killed mid-write leaves nothing.
            let scratch = folder.scratch.appendingPathComponent("worker-\(id)").path
            mkdir(scratch, 0o755)
            var workerJob = job.with(invocations: batch)
            workerJob.scratchDirectory = scratch
            let input = try JSONEncoder().encode(workerJob)
            let child = try launcher.launch(input: input)
            let now = MonotonicClock.now()
            let budget = UInt64(scenario.workerTimeoutSeconds * Double(batch.count) * 1e9)
            shared.with { active, _, _ in
                active[id] = Active(child: child, batch: batch, started: now, deadline: now + budget)
            }
            group.enter()
            Thread.detachNewThread {
                let partial = child.readLines { line in
                    if let event = log.record(line: line, worker: id), event.event == .invocationFinished,
                        event.invocation != nil
                    {
                        shared.with { _, finished, _ in finished += 1 }
                    }
                } overlong: { bytes, head in
                    // A protocol error: counted as a malformed line, and the run cannot be complete.
                    var event = WorkerEvent(.malformedLine)
                    event.worker = id
                    event.detail =
                        "protocol error: a line of \(bytes) bytes, over the limit of \(WorkerEvent.maxLineBytes): "
                        + head
                    log.record(event)
                    shared.with { _, _, complete in complete = false }
                }
                log.flush()
                if let partial {
                    var event = WorkerEvent(.malformedLine)
                    event.worker = id
                    event.detail = "truncated line at end of output: " + String(partial.prefix(4096))
                    log.record(event)
                }
                let status = child.wait()
                try? FileManager.default.removeItem(atPath: scratch)
                var exited = WorkerEvent(.workerExited)
                exited.worker = id
                exited.pid = child.pid
                exited.exitStatus = status
                if status == nil { exited.detail = Self.unknownStatus }
                log.record(exited)
                let unfinished = batch.filter { !log.hasFinished(invocation: $0.index) }
                for spec in unfinished {
                    var lost = WorkerEvent(.invocationLost, invocation: spec.index, variant: spec.variant)
                    lost.worker = id
                    lost.detail =
                        "worker exited with status \(status.map(String.init) ?? "unknown") before the invocation finished"
                    log.record(lost)
                }
                shared.with { active, _, complete in
                    // An unknown status with every invocation finished loses nothing from the estimate.
                    if (status ?? 0) != 0 || !unfinished.isEmpty { complete = false }
                    active[id] = nil
                }
                workerEnded.signal()
                group.leave()
            }
        }

        var interruptedAt: UInt64?
        var killedAfterInterrupt = false
        for _ in 0..<min(scenario.workers, pending.count) { try spawnNext() }
        var running = shared.with { active, _, _ in active.count }
        var lastProgress: UInt64 = 0
        while running > 0 {
            let oneEnded = workerEnded.wait(timeout: .now() + .milliseconds(100)) == .success
            log.flush()
            let now = MonotonicClock.now()
            // An interrupted run still ends with what it has: events on disk, a report marked incomplete
            // (`InterruptSignals`, installed by the caller, sets this).
            let signalNumber = InterruptSignals.requested
            if signalNumber != 0, interruptedAt == nil {
                interruptedAt = now
                var event = WorkerEvent(.runInterrupted)
                event.detail = "signal \(signalNumber): \(pending.count) batches not started; running workers stopped"
                log.record(event)
                pending.removeAll()
                shared.with { active, _, complete in
                    complete = false
                    // SIGCONT too: a stopped worker would otherwise hold SIGTERM until the SIGKILL below.
                    for worker in active.values {
                        worker.child.kill(SIGTERM)
                        worker.child.kill(SIGCONT)
                    }
                }
            }
            // After the interrupt check: an interrupted run starts no new worker.
            if oneEnded, !pending.isEmpty { try spawnNext() }
            // Once, a second after SIGTERM.
            if let since = interruptedAt, !killedAfterInterrupt, now - since > 1_000_000_000 {
                shared.with { active, _, _ in for worker in active.values { worker.child.kill(SIGKILL) } }
                killedAfterInterrupt = true
            }
            shared.with { active, _, _ in
                for (id, worker) in active where now > worker.deadline {
                    var timeout = WorkerEvent(.workerTimeout)
                    timeout.worker = id
                    timeout.pid = worker.child.pid
                    timeout.detail = "killed after \(String(format: "%.1f", Double(now - worker.started) / 1e9)) s"
                    log.record(timeout)
                    worker.child.kill()
                    active[id]?.deadline = .max
                }
            }
            running = shared.with { active, _, _ in active.count } + (pending.isEmpty ? 0 : 1)
            if progress, now - lastProgress > 200_000_000 {
                lastProgress = now
                let (done, workers) = shared.with { active, finished, _ in (finished, active.count) }
                let line = String(
                    format: "\r[%d/%d invocations] %.0f%%  %d workers  %.1f s ", done, total,
                    Double(done) * 100 / Double(max(total, 1)), workers, Double(now - t0) / 1e9)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        group.wait()
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        return RunRecord(
            folder: folder, plan: plan, startedAt: startedAt,
            wallSeconds: Double(MonotonicClock.now() - t0) / 1e9, workerProcesses: spawned, workerSpawn: launcher.mode,
            complete: shared.with { _, _, complete in complete })
    }
}
