import Foundation
import Model
import Pipeline
import ProcessControl

/// Workers that run in this process: each launched batch runs through the worker's own body
/// (`WorkerProcess.run`, every step doing its real work against the run's database and scratch)
/// on the coordinator's reader thread, its events handed over as the lines a process would write.
/// A worker can be told to die after some invocations. No process is started.
final class InMemoryWorkerLauncher: WorkerLauncher, @unchecked Sendable {
    enum Behaviour: Sendable {
        case finishAll
        /// Runs the first `finished` invocations of its batch, then ends with `status` (137: SIGKILL)
        /// without a `worker_finished` event, as a process killed mid-batch does.
        case die(afterFinishing: Int, status: Int32)
    }

    private let lock = NSLock()
    private let behaviour: @Sendable (Int) -> Behaviour
    private var handles: [InMemoryWorkerHandle] = []
    private var stopped = false
    let mode: WorkerSpawnMode = .exec

    /// - Parameter behaviour: what the worker launched `n`-th (from 0) does.
    init(_ behaviour: @escaping @Sendable (Int) -> Behaviour = { _ in .finishAll }) {
        self.behaviour = behaviour
    }

    func launch(input: Data) throws -> any WorkerHandle {
        let batch = try JSONDecoder().decode(WorkerBatch.self, from: input)
        return lock.withLock {
            let n = handles.count
            let handle = InMemoryWorkerHandle(pid: pid_t(20_000 + n), batch: batch, behaviour: behaviour(n))
            handles.append(handle)
            return handle
        }
    }

    func stop() { lock.withLock { stopped = true } }

    /// Workers launched so far.
    var launched: Int { lock.withLock { handles.count } }
    /// Whether the coordinator ended the launcher.
    var wasStopped: Bool { lock.withLock { stopped } }
}

/// One worker of `InMemoryWorkerLauncher`.
final class InMemoryWorkerHandle: WorkerHandle, @unchecked Sendable {
    let pid: pid_t
    private let batch: WorkerBatch
    private let behaviour: InMemoryWorkerLauncher.Behaviour
    private let lock = NSLock()
    private var status: Int32?

    init(pid: pid_t, batch: WorkerBatch, behaviour: InMemoryWorkerLauncher.Behaviour) {
        self.pid = pid
        self.batch = batch
        self.behaviour = behaviour
    }

    func readLines(limit: Int, _ line: (Substring) -> Void, overlong: (Int, String) -> Void) -> String? {
        withoutActuallyEscaping(line) { line in
            let send = { (event: WorkerEvent) in line(Substring(event.bounded.jsonLine())) }
            var started = WorkerEvent(.workerStarted)
            started.pid = pid
            send(started)
            switch behaviour {
            case .finishAll:
                let code = WorkerProcess.run(batch, emit: send)
                lock.withLock { status = code }
            case .die(let finished, let code):
                let part = batch.with(invocations: Array(batch.invocations.prefix(finished)))
                _ = WorkerProcess.run(part) { if $0.event != .workerFinished { send($0) } }
                lock.withLock { status = code }
            }
        }
        return nil
    }

    func wait() -> Int32? { lock.withLock { status } }

    func kill(_ signal: Int32) {}
}
