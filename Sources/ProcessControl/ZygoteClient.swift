import CProcessControl
import Foundation
import Model
import Pipeline

/// The coordinator's side of `simulate zygote` (see `WorkerZygote`): asks it to fork workers with
/// the coordinator's pipes as their stdio, and learns from it how each worker ended.
///
/// Never waits on the zygote without a bound: a zygote that does not answer a spawn, does not
/// report a worker the kernel says has ended, or does not end when asked (it is stopped, or hung)
/// is killed, and its workers die with it (`PR_SET_PDEATHSIG`).
final class ZygoteClient: @unchecked Sendable {
    /// The zygote process itself (the coordinator's own child).
    let process: ChildProcess
    /// Requests out, spawn answers back (read by the spawning thread itself, under `spawnLock`).
    private let control: Int32
    /// Exit statuses, read by one thread of this client.
    private let statuses: Int32
    /// The workers' stderr (the run's worker log), where the client says why it gave up on the zygote.
    private let logFD: Int32
    private let state = NSCondition()
    private var waitStatuses: [pid_t: Int32] = [:]
    private var ended = false
    /// Set once the client has killed the zygote for not answering.
    private var killed = false
    private var nextTag: Int32 = 0
    private let spawnLock = NSLock()
    /// How long the zygote may take to say it is ready before the run execs its workers instead.
    private static let readyTimeout: UInt64 = 10_000_000_000
    /// How long it may take to answer a spawn, to report a worker the kernel says has ended, or to
    /// end when asked; a stopped zygote is given up on at once. It answers in microseconds when
    /// it runs at all, so this only bounds a hung one.
    static let answerTimeout: UInt64 = 2_000_000_000
    /// How often a wait on the zygote looks at the kernel's view (the worker's pidfd, the zygote's state).
    private static let recheckMillis: Int32 = 50

    private init(process: ChildProcess, control: Int32, statuses: Int32, logFD: Int32) {
        self.process = process
        self.control = control
        self.statuses = statuses
        self.logFD = logFD
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
        let process = ChildProcess(spawned: pid)
        guard readable(control[0], within: readyTimeout, zygote: pid),
            let (message, _) = ZygoteMessage.receive(on: control[0]), message.kind == .ready, message.a == 1
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
        let client = ZygoteClient(process: process, control: control[0], statuses: statuses[0], logFD: stderrFD)
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
        let prefed = ChildProcess.fits(input, in: inPipe[1])
        if prefed { ChildProcess.feed(input, to: inPipe[1]) }
        nextTag += 1
        let sent = ZygoteMessage(.spawn, nextTag).send(on: control, fds: [inPipe[0], outPipe[1], stderrFD])
        close(inPipe[0])
        close(outPipe[1])
        let reply = sent ? awaitSpawned(tag: nextTag) : nil
        guard let (pid, pidfd) = reply, pid > 0 else {
            if !prefed { close(inPipe[1]) }
            close(outPipe[0])
            let reason =
                reply.map { "fork failed: \(String(cString: strerror(-$0.pid)))" }
                ?? "the zygote has ended or does not answer"
            throw ChildProcessError("cannot start a worker: \(reason)")
        }
        if !prefed { ChildProcess.feed(input, to: inPipe[1]) }
        return ChildProcess(pid: pid, stdoutFD: outPipe[0], zygote: self, pidfd: pidfd)
    }

    /// The zygote's answer to spawn `tag`: the pid (or `-errno`) and the worker's pidfd (-1 without
    /// one); nil when it ends, is stopped, or takes longer than `answerTimeout`.
    private func awaitSpawned(tag: Int32) -> (pid: pid_t, pidfd: Int32)? {
        let deadline = MonotonicClock.now() + Self.answerTimeout
        while Self.readable(control, within: deadline - min(deadline, MonotonicClock.now()), zygote: process.pid) {
            guard let (message, fds) = ZygoteMessage.receive(on: control) else { return nil }
            if message.kind == .spawned, message.a == tag {
                let pidfd = message.b > 0 ? fds.first ?? -1 : -1
                fds.filter { $0 != pidfd }.forEach { close($0) }
                return (message.b, pidfd)
            }
            fds.forEach { close($0) }
        }
        return nil
    }

    /// Waits until `fd` can be read (a message, or the end of the stream); false after `nanoseconds`,
    /// or as soon as the zygote is seen stopped.
    private static func readable(_ fd: Int32, within nanoseconds: UInt64, zygote: pid_t) -> Bool {
        let deadline = MonotonicClock.now() + nanoseconds
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&waiting, 1, recheckMillis)
            if ready == 1 { return true }
            if ready < 0 && errno != EINTR { return false }
            if ProcessState.isStopped(zygote) || MonotonicClock.now() > deadline { return false }
        }
    }

    /// The raw wait status of `worker`, once the zygote has reaped it. If the zygote ended first,
    /// the worker died with it (`PR_SET_PDEATHSIG`): reported as SIGKILL. Nil when the worker had
    /// already ended on its own and the zygote never said how: it was then not answering, and is killed.
    func waitForExit(of worker: ChildProcess) -> Int32? {
        // When this worker was first seen ended without a report from the zygote.
        var unreportedSince: UInt64?
        return state.withLock {
            while true {
                if let status = waitStatuses.removeValue(forKey: worker.pid) { return status }
                if ended { return unreportedSince == nil ? SIGKILL : nil }
                if worker.hasEnded {
                    let now = MonotonicClock.now()
                    unreportedSince = unreportedSince ?? now
                    if now - unreportedSince! > Self.answerTimeout || ProcessState.isStopped(process.pid) {
                        giveUp("did not report worker \(worker.pid), which has ended")
                    }
                }
                _ = state.wait(until: Date().addingTimeInterval(Double(Self.recheckMillis) / 1000))
            }
        }
    }

    /// Ends the zygote (it kills any worker left) and waits for it.
    func stop() {
        // The zygote sees the end of its requests, kills any worker left, reports them, and exits.
        shutdown(control, Int32(SHUT_RDWR))
        state.withLock {
            let asked = MonotonicClock.now()
            while !ended {
                let waited = MonotonicClock.now() - asked
                // Once killed, its socket ends with it; a second timeout is a last resort, not a wait.
                if waited > 2 * Self.answerTimeout { break }
                if waited > Self.answerTimeout || ProcessState.isStopped(process.pid) {
                    giveUp("did not end when asked")
                }
                _ = state.wait(until: Date().addingTimeInterval(Double(Self.recheckMillis) / 1000))
            }
        }
        close(control)
        close(statuses)
        _ = process.wait()
    }

    /// Kills a zygote that does not answer (once; with `state` held). Its workers die with it, and
    /// the end of its status socket wakes every wait.
    private func giveUp(_ why: String) {
        guard !killed else { return }
        killed = true
        process.kill(SIGKILL)
        Self.log("the zygote \(why) (stopped or hung): killed, and its workers with it", to: logFD)
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
