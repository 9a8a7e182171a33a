import CProcessControl
import Foundation
import Pipeline

/// The coordinator's side of `simulate zygote` (see `WorkerZygote`): asks it to fork workers with
/// the coordinator's pipes as their stdio, and learns from it how each worker ended.
final class ZygoteClient: @unchecked Sendable {
    /// The zygote process itself (the coordinator's own child).
    let process: ChildProcess
    /// Requests out, spawn answers back (read by the spawning thread itself, under `spawnLock`).
    private let control: Int32
    /// Exit statuses, read by one thread of this client.
    private let statuses: Int32
    private let state = NSCondition()
    private var waitStatuses: [pid_t: Int32] = [:]
    private var ended = false
    private var nextTag: Int32 = 0
    private let spawnLock = NSLock()
    /// How long the zygote may take to say it is ready, or to answer a spawn, before the run
    /// gives up on it and execs its workers instead.
    private static let answerTimeoutMillis: Int32 = 10_000

    private init(process: ChildProcess, control: Int32, statuses: Int32) {
        self.process = process
        self.control = control
        self.statuses = statuses
    }

    /// Starts a zygote and waits until it is ready; nil (and a line in the worker log) when it cannot
    /// fork workers, so the coordinator falls back to exec.
    static func start(executable: String, stderrFD: Int32) -> ZygoteClient? {
        var control: [Int32] = [-1, -1]
        var statuses: [Int32] = [-1, -1]
        let type = Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &control) == 0, socketpair(AF_UNIX, type, 0, &statuses) == 0 else {
            log("cannot create the zygote's sockets (errno \(errno))", to: stderrFD)
            (control + statuses).filter { $0 >= 0 }.forEach { close($0) }
            return nil
        }
        let spawned = ChildProcess.spawn(
            executable: executable, arguments: ["zygote"], stdio: [control[1], statuses[1], stderrFD])
        close(control[1])
        close(statuses[1])
        guard case .success(let pid) = spawned else {
            close(control[0])
            close(statuses[0])
            log("cannot start the zygote", to: stderrFD)
            return nil
        }
        let process = ChildProcess(pid: pid, stdoutFD: -1, zygote: nil)
        var ready = pollfd(fd: control[0], events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, answerTimeoutMillis) == 1, let (message, _) = ZygoteMessage.receive(on: control[0]),
            message.kind == .ready, message.a == 1
        else {
            close(control[0])
            close(statuses[0])
            process.kill()
            _ = process.wait()
            log(
                "the zygote cannot fork workers (not ready, or not single-threaded); workers are exec'd instead",
                to: stderrFD)
            return nil
        }
        let client = ZygoteClient(process: process, control: control[0], statuses: statuses[0])
        Thread.detachNewThread { client.readStatuses() }
        return client
    }

    /// Forks a worker whose stdin gets `input`; its stdout is the returned child's `stdoutFD`.
    func spawn(input: Data, stderrFD: Int32) throws -> ChildProcess {
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let (inPipe, outPipe) = try ChildProcess.stdioPipes()
        // A job that fits in the pipe goes in before the fork: the worker need not wait for this
        // thread to hear back from the zygote before it can read its job.
        let capacity = pc_pipe_capacity(inPipe[1])
        let prefed = input.count <= (capacity > 0 ? Int(capacity) : 4096)  // 4 KiB: the POSIX minimum
        if prefed { ChildProcess.feed(input, to: inPipe[1]) }
        nextTag += 1
        let tag = nextTag
        let sent = ZygoteMessage(.spawn, tag).send(on: control, fds: [inPipe[0], outPipe[1], stderrFD])
        close(inPipe[0])
        close(outPipe[1])
        var reply: Int32?
        var answering = pollfd(fd: control, events: Int16(POLLIN), revents: 0)
        while sent, reply == nil, poll(&answering, 1, Self.answerTimeoutMillis) == 1,
            let (message, fds) = ZygoteMessage.receive(on: control)
        {
            fds.forEach { close($0) }
            if message.kind == .spawned, message.a == tag { reply = message.b }
        }
        guard let pid = reply, pid > 0 else {
            if !prefed { close(inPipe[1]) }
            close(outPipe[0])
            let reason =
                reply.map { "fork failed: \(String(cString: strerror(-$0)))" }
                ?? "the zygote has ended or does not answer"
            throw ChildProcessError("cannot start a worker: \(reason)")
        }
        if !prefed { ChildProcess.feed(input, to: inPipe[1]) }
        return ChildProcess(pid: pid, stdoutFD: outPipe[0], zygote: self)
    }

    /// The raw wait status of worker `pid`, once the zygote has reaped it. If the zygote itself
    /// ended first, its workers died with it (`PR_SET_PDEATHSIG`): reported as SIGKILL.
    func waitForExit(of pid: pid_t) -> Int32 {
        state.withLock {
            while waitStatuses[pid] == nil && !ended { state.wait() }
            return waitStatuses.removeValue(forKey: pid) ?? SIGKILL
        }
    }

    /// Asks the zygote to signal a worker it has not reaped yet (never a reused pid).
    func signal(_ pid: pid_t, _ signal: Int32) {
        ZygoteMessage(.signal, pid, signal).send(on: control)
    }

    /// Ends the zygote (it kills any worker left) and waits for it.
    func stop() {
        // The zygote sees the end of its requests, kills any worker left, reports them, and exits.
        shutdown(control, Int32(SHUT_RDWR))
        state.withLock { while !ended { state.wait() } }
        close(control)
        close(statuses)
        _ = process.wait()
    }

    private func readStatuses() {
        while let (message, fds) = ZygoteMessage.receive(on: statuses) {
            fds.forEach { close($0) }
            guard message.kind == .exited else { continue }
            state.withLock {
                waitStatuses[message.a] = message.b
                state.broadcast()
            }
        }
        state.withLock {
            ended = true
            state.broadcast()
        }
    }

    private static func log(_ line: String, to fd: Int32) {
        let text = "simulate: \(line)\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}
