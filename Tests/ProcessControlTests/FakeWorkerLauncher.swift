import Foundation
import Model
import ProcessControl

/// An in-memory launcher: each worker is a script of event lines made from the batch it is
/// handed, with a behaviour chosen per worker (finish, exit early, hang until signalled, write an
/// over-long or a truncated line, fail to start). No process is started.
final class FakeWorkerLauncher: WorkerLauncher, @unchecked Sendable {
    enum Behaviour: Sendable {
        case finishAll
        /// Finishes `finished` invocations, then exits with `status` (the rest are lost).
        case exit(afterFinishing: Int, status: Int32)
        /// Finishes `finished` invocations, then writes nothing more until signalled.
        case hang(afterFinishing: Int)
        /// Writes a line longer than the event-line limit, then finishes its batch.
        case overlongLine
        /// Ends with half a line (no newline), status 0.
        case truncatedLastLine
        /// `launch` throws.
        case failLaunch

        /// How many invocations it finishes, when not all.
        var finishes: Int? {
            switch self {
            case .exit(let k, _): return k
            case .hang(let k): return k
            default: return nil
            }
        }
        var writesOverlongLine: Bool { if case .overlongLine = self { return true } else { return false } }
        var endsMidLine: Bool { if case .truncatedLastLine = self { return true } else { return false } }
    }

    private let lock = NSLock()
    private let behaviour: @Sendable (Int) -> Behaviour
    private(set) var handles: [FakeWorkerHandle] = []
    private(set) var stopped = false
    let mode: WorkerSpawnMode = .exec

    /// - Parameter behaviour: what the worker launched `n`-th (from 0) does.
    init(_ behaviour: @escaping @Sendable (Int) -> Behaviour = { _ in .finishAll }) {
        self.behaviour = behaviour
    }

    func launch(input: Data) throws -> any WorkerHandle {
        let batch = try JSONDecoder().decode(WorkerBatch.self, from: input)
        return try lock.withLock {
            let n = handles.count
            let chosen = behaviour(n)
            if case .failLaunch = chosen { throw ChildProcessError("fake launch failure of worker \(n)") }
            let handle = FakeWorkerHandle(pid: pid_t(10_000 + n), batch: batch, behaviour: chosen)
            handles.append(handle)
            return handle
        }
    }

    func stop() { lock.withLock { stopped = true } }

    var launched: Int { lock.withLock { handles.count } }
}

/// One scripted worker.
final class FakeWorkerHandle: WorkerHandle, @unchecked Sendable {
    let pid: pid_t
    private let lines: [String]
    private let tail: String?
    private let behaviour: FakeWorkerLauncher.Behaviour
    private let released = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var signals: [Int32] = []

    init(pid: pid_t, batch: WorkerBatch, behaviour: FakeWorkerLauncher.Behaviour) {
        self.pid = pid
        self.behaviour = behaviour
        self.lines = Self.script(batch.invocations, behaviour: behaviour)
        self.tail = behaviour.endsMidLine ? "{\"event\":\"phase\"" : nil
    }

    /// The lines a worker with `behaviour` writes for `invocations`.
    static func script(_ invocations: [InvocationSpec], behaviour: FakeWorkerLauncher.Behaviour) -> [String] {
        var lines = [line(WorkerEvent(.workerStarted))]
        let finishing = behaviour.finishes ?? invocations.count
        if behaviour.writesOverlongLine { lines.append(String(repeating: "x", count: WorkerEvent.maxLineBytes + 10)) }
        for spec in invocations.prefix(finishing) {
            lines.append(line(WorkerEvent(.invocationStarted, invocation: spec.index, variant: spec.variant)))
            lines.append(line(WorkerEvent(.invocationFinished, invocation: spec.index, variant: spec.variant)))
        }
        if finishing >= invocations.count { lines.append(line(WorkerEvent(.workerFinished))) }
        return lines
    }

    static func line(_ event: WorkerEvent) -> String { event.jsonLine() }

    func readLines(limit: Int, _ line: (Substring) -> Void, overlong: (Int, String) -> Void) -> String? {
        for text in lines {
            if text.utf8.count > limit {
                overlong(text.utf8.count, String(text.prefix(4096)))
            } else {
                line(Substring(text))
            }
        }
        if case .hang = behaviour { released.wait() }
        return tail
    }

    func wait() -> Int32? {
        if let signal = lock.withLock({ signals.first(where: { $0 == SIGTERM || $0 == SIGKILL }) }) {
            return 128 + signal
        }
        if case .exit(_, let status) = behaviour { return status }
        return 0
    }

    func kill(_ signal: Int32) {
        lock.withLock { signals.append(signal) }
        if signal == SIGTERM || signal == SIGKILL { released.signal() }
    }

    var received: [Int32] { lock.withLock { signals } }
}
