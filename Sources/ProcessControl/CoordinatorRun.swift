import Foundation
import Model
import Pipeline

/// One run of a `Coordinator`: the batches still to start, the workers running, and the main
/// loop that starts, watches, times out and interrupts them. Each worker's output is read on a
/// thread of its own (`watch`); what those threads and the loop share is behind `Shared`'s lock.
final class CoordinatorRun: @unchecked Sendable {
    let coordinator: Coordinator
    let plan: InvocationPlan
    let log: EventLog
    let launcher: any WorkerLauncher
    private var pending: ArraySlice<[InvocationSpec]>
    private let shared = Coordinator.Shared()
    private var spawned = 0
    private let workerEnded = DispatchSemaphore(value: 0)
    private let group = DispatchGroup()
    private let t0 = MonotonicClock.now()
    private var interruptedAt: UInt64?
    private var killedAfterInterrupt = false
    private var lastProgress: UInt64 = 0
    /// A fleet run: the variant whose day is being replayed, and when that day started.
    private var day: (variant: String, start: UInt64)?

    init(coordinator: Coordinator, plan: InvocationPlan, log: EventLog, launcher: any WorkerLauncher) {
        self.coordinator = coordinator
        self.plan = plan
        self.log = log
        self.launcher = launcher
        pending = plan.batches(size: coordinator.scenario.invocationsPerProcess)[...]
    }

    var scenario: Scenario { coordinator.scenario }

    /// Starts the first workers, then loops every 100 ms (or when a worker ends) until none runs.
    func execute() throws -> RunRecord {
        let startedAt = Date()
        if plan.arrivals == nil {
            for _ in 0..<min(scenario.workers, pending.count) { try spawnNext() }
        } else {
            try spawnArrived(MonotonicClock.now())
        }
        // Batches still to start count too: a worker may end before this line is reached.
        var running = shared.with { active, _, _ in active.count } + (pending.isEmpty ? 0 : 1)
        while running > 0 {
            let oneEnded = workerEnded.wait(timeout: .now() + .nanoseconds(Int(waitNanoseconds()))) == .success
            log.flush()
            let now = MonotonicClock.now()
            stopOnInterrupt(now)
            // After the interrupt check: an interrupted run starts no new worker.
            if plan.arrivals != nil {
                try spawnArrived(now)
            } else if oneEnded, !pending.isEmpty {
                try spawnNext()
            }
            killAfterInterruptGrace(now)
            killPastDeadline(now)
            running = shared.with { active, _, _ in active.count } + (pending.isEmpty ? 0 : 1)
            showProgress(now)
        }
        group.wait()
        if coordinator.progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        return RunRecord(
            folder: coordinator.folder, plan: plan, startedAt: startedAt,
            wallSeconds: Double(MonotonicClock.now() - t0) / 1e9, workerProcesses: spawned, workerSpawn: launcher.mode,
            complete: shared.with { _, _, complete in complete })
    }

    /// How long the main loop sleeps at most: 100 ms, or until a fleet run's next arrival.
    private func waitNanoseconds() -> UInt64 {
        let poll: UInt64 = 100_000_000
        guard let day, let next = pending.first?.first, next.variant == day.variant,
            let arrival = plan.arrivals?[next.index]
        else { return poll }
        let due = day.start + UInt64(arrival * 1e9)
        let now = MonotonicClock.now()
        return due > now ? min(poll, due - now) : 1_000_000
    }

    /// A fleet run: starts every run that has arrived while a slot (`workers`) is free, in arrival
    /// order. Each variant's day starts once the previous variant's runs have all ended, so the
    /// variants replay the same day without sharing slots or the database.
    private func spawnArrived(_ now: UInt64) throws {
        guard let arrivals = plan.arrivals else { return }
        while let next = pending.first?.first {
            let active = shared.with { active, _, _ in active.count }
            if day?.variant != next.variant {
                guard active == 0 else { return }
                day = (next.variant, now)
            }
            guard active < scenario.workers, let day else { return }
            let due = day.start + UInt64(arrivals[next.index] * 1e9)
            guard now >= due else { return }
            var arrived = WorkerEvent(.runArrived, invocation: next.index, variant: next.variant)
            arrived.job = next.job
            arrived.monotonicNs = due
            arrived.time -= Double(now - due) / 1e9
            log.record(arrived)
            try spawnNext()
        }
    }

    /// Starts a worker on the next batch, in its own scratch folder, and a thread that watches it.
    private func spawnNext() throws {
        guard let batch = pending.popFirst() else { return }
        let id = spawned
        spawned += 1
        // Its own scratch folder, removed once it is reaped: a worker killed mid-write leaves nothing.
        let scratch = coordinator.folder.scratch.appendingPathComponent("worker-\(id)").path
        mkdir(scratch, 0o755)
        var workerBatch = coordinator.batch.with(invocations: batch)
        workerBatch.catalog.scratchDirectory = scratch
        let child = try launcher.launch(input: try JSONEncoder().encode(workerBatch))
        let now = MonotonicClock.now()
        let budget = UInt64(scenario.workerTimeoutSeconds * Double(batch.count) * 1e9)
        shared.with { active, _, _ in
            active[id] = Coordinator.Active(child: child, batch: batch, started: now, deadline: now + budget)
        }
        group.enter()
        Thread.detachNewThread { [self] in
            watch(child, id: id, batch: batch, scratch: scratch)
            workerEnded.signal()
            group.leave()
        }
    }

    /// On a worker's own thread: logs its lines until its output ends, then how it ended, and any of
    /// its invocations that never finished as lost.
    private func watch(_ child: any WorkerHandle, id: Int, batch: [InvocationSpec], scratch: String) {
        let partial = child.readLines { line in
            if let event = log.record(line: line, worker: id), event.event == .invocationFinished,
                event.invocation != nil
            {
                shared.with { _, finished, _ in finished += 1 }
            }
        } overlong: { bytes, head in
            // A protocol error: counted as a malformed line, and the run cannot be complete.
            record(
                .malformedLine, worker: id,
                detail: "protocol error: a line of \(bytes) bytes, over the limit of \(WorkerEvent.maxLineBytes): "
                    + head)
            shared.with { _, _, complete in complete = false }
        }
        log.flush()
        if let partial {
            record(
                .malformedLine, worker: id, detail: "truncated line at end of output: " + String(partial.prefix(4096)))
        }
        let status = child.wait()
        try? FileManager.default.removeItem(atPath: scratch)
        var exited = WorkerEvent(.workerExited)
        exited.worker = id
        exited.pid = child.pid
        exited.exitStatus = status
        if status == nil { exited.detail = Coordinator.unknownStatus }
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
    }

    private func record(_ kind: WorkerEvent.Kind, worker: Int, detail: String) {
        var event = WorkerEvent(kind)
        event.worker = worker
        event.detail = detail
        log.record(event)
    }

    /// An interrupted run still ends with what it has: events on disk, a report marked incomplete
    /// (`InterruptSignals`, installed by the caller, sets the flag read here).
    private func stopOnInterrupt(_ now: UInt64) {
        let signalNumber = InterruptSignals.requested
        guard signalNumber != 0, interruptedAt == nil else { return }
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

    /// Once, a second after SIGTERM.
    private func killAfterInterruptGrace(_ now: UInt64) {
        guard let since = interruptedAt, !killedAfterInterrupt, now - since > 1_000_000_000 else { return }
        shared.with { active, _, _ in for worker in active.values { worker.child.kill(SIGKILL) } }
        killedAfterInterrupt = true
    }

    /// Kills (once) every worker past its deadline: `worker_timeout_seconds` per invocation of its batch.
    private func killPastDeadline(_ now: UInt64) {
        shared.with { active, _, _ in
            for (id, worker) in active where now > worker.deadline {
                var timeout = WorkerEvent(.workerTimeout)
                timeout.worker = id
                timeout.pid = worker.child.pid
                timeout.detail = "killed after \(String(format: "%.1f", Double(now - worker.started) / 1e9)) s"
                log.record(timeout)
                worker.child.kill(SIGKILL)
                active[id]?.deadline = .max
            }
        }
    }

    /// The progress line on stderr, five times a second at most.
    private func showProgress(_ now: UInt64) {
        guard coordinator.progress, now - lastProgress > 200_000_000 else { return }
        lastProgress = now
        let total = plan.invocations.count
        let (done, workers) = shared.with { active, finished, _ in (finished, active.count) }
        let line = String(
            format: "\r[%d/%d invocations] %.0f%%  %d workers  %.1f s ", done, total,
            Double(done) * 100 / Double(max(total, 1)), workers, Double(now - t0) / 1e9)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
