import CProcessControl
import Foundation
import Model

/// One fixed-size message on the zygote's control socket (`SOCK_SEQPACKET`, so one per read).
public struct ZygoteMessage: Equatable, Sendable {
    public enum Kind: Int32, Sendable {
        /// zygote → coordinator, once: `a` is 1 when it can fork workers, 0 when it cannot; `b` its thread count.
        case ready = 0
        /// coordinator → zygote, with three descriptors (stdin, stdout, stderr): `a` is a tag echoed back.
        case spawn = 1
        /// zygote → coordinator: `a` the tag, `b` the worker's pid or `-errno` when fork failed; with
        /// the worker's pidfd, where the kernel gives one, so the coordinator can signal and watch it directly.
        case spawned = 2
        /// zygote → coordinator, on the status socket: worker `a` ended with raw wait status `b`.
        case exited = 3
    }

    public var kind: Kind
    public var a: Int32
    public var b: Int32

    public init(_ kind: Kind, _ a: Int32 = 0, _ b: Int32 = 0) {
        self.kind = kind
        self.a = a
        self.b = b
    }

    static let size = 3 * MemoryLayout<Int32>.size

    /// Sends the message (with descriptors, for `spawn`); false when the peer is gone.
    @discardableResult
    public func send(on socket: Int32, fds: [Int32] = []) -> Bool {
        let words = [kind.rawValue, a, b]
        return words.withUnsafeBytes { raw in
            fds.withUnsafeBufferPointer {
                pc_send_message(socket, raw.baseAddress, raw.count, $0.baseAddress, Int32($0.count))
            }
        } == Self.size
    }

    /// Reads one message and the descriptors that came with it; nil at end of stream or on error.
    public static func receive(on socket: Int32) -> (message: ZygoteMessage, fds: [Int32])? {
        var words: [Int32] = [0, 0, 0]
        var fds: [Int32] = [-1, -1, -1, -1]
        var count: Int32 = 0
        let n = words.withUnsafeMutableBytes { raw in
            fds.withUnsafeMutableBufferPointer {
                pc_receive_message(socket, raw.baseAddress, raw.count, $0.baseAddress, &count)
            }
        }
        let received = Array(fds.prefix(Int(count)))
        guard n == size, let kind = Kind(rawValue: words[0]) else {
            received.forEach { close($0) }
            return nil
        }
        return (ZygoteMessage(kind, words[1], words[2]), received)
    }
}

/// The body of `simulate zygote`: a single-threaded process that forks `simulate worker` bodies,
/// so a worker starts without `exec`, dynamic linking or Swift runtime start-up, with the JSON
/// coders already warm. One worker is always forked ahead (the spare) and waits for its stdio:
/// a spawn hands it the pipes, so the fork itself is off the spawn's path.
///
/// Takes requests and answers spawns on a `SOCK_SEQPACKET` socket on stdin; reports each worker's
/// exit status (the coordinator is not the workers' parent) on a second one on stdout, so that a
/// spawn's answer goes straight to the thread that asked.
///
/// It ends when the coordinator closes the socket, killing any worker left. It gets SIGKILL when the
/// coordinator dies, even while stopped, and each worker (the spare too) gets SIGKILL when the
/// zygote dies (`PR_SET_PDEATHSIG` both), so nothing outlives the run. The coordinator never waits
/// on it unboundedly: it signals workers through their pidfds and kills a zygote that stops answering.
public enum WorkerZygote {
    /// A forked child waiting on `socket` for the three descriptors that become its stdio.
    struct Spare {
        let pid: pid_t
        let socket: Int32
    }

    public static func main() -> Int32 {
        let control: Int32 = 0
        let statuses: Int32 = 1
        // First: dies with the coordinator (the thread that started it waits for it before returning),
        // even while stopped, where it could not see its socket close. A coordinator that died before
        // this line left the socket without a peer, and the `ready` below fails.
        _ = pc_set_parent_death_signal(SIGKILL)
        // Ctrl-C reaches the whole process group; the coordinator decides what happens to workers.
        signal(SIGINT, SIG_IGN)
        warmUp()
        let threads = threadCount()
        // fork() copies only the calling thread: with any other thread alive, a lock it held would
        // stay locked forever in the child. Refuse, and the coordinator falls back to exec.
        guard threads == 1 else {
            ZygoteMessage(.ready, 0, Int32(threads)).send(on: control)
            return 0
        }
        let sigchld = pc_sigchld_fd()
        guard sigchld >= 0 else { return 1 }
        let zygote = getpid()
        var workers = Set<pid_t>()
        var spare = forkSpare(zygote: zygote, closing: sigchld)
        guard ZygoteMessage(.ready, 1, 1).send(on: control) else {
            FileHandle.standardError.write(
                Data("simulate zygote: stdin is not a coordinator's socket (it is started by a run)\n".utf8))
            return 1  // the spare dies with this process (PR_SET_PDEATHSIG)
        }
        var polled = [
            pollfd(fd: control, events: Int16(POLLIN), revents: 0),
            pollfd(fd: sigchld, events: Int16(POLLIN), revents: 0),
        ]
        serving: while true {
            if poll(&polled, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if polled[1].revents != 0 {
                pc_drain_signal_fd(sigchld)
                reap(&workers, spare: &spare, to: statuses, blocking: false)
            }
            guard polled[0].revents != 0 else { continue }
            guard let (message, fds) = ZygoteMessage.receive(on: control) else { break serving }
            switch message.kind {
            case .spawn where fds.count == 3:
                var pid: pid_t = -1
                if let waiting = spare, ZygoteMessage(.spawn, message.a).send(on: waiting.socket, fds: fds) {
                    pid = waiting.pid
                } else {
                    pid = fork()
                    if pid == 0 { becomeWorker(stdio: fds, zygote: zygote) }
                }
                let failure = errno
                if let spare { close(spare.socket) }
                spare = nil
                fds.forEach { close($0) }
                if pid > 0 { workers.insert(pid) }
                // Opened before the worker can be reaped (only this loop reaps), so it names this worker.
                let pidfd = pid > 0 ? pc_pidfd_open(pid) : -1
                ZygoteMessage(.spawned, message.a, pid > 0 ? pid : -failure).send(
                    on: control, fds: pidfd >= 0 ? [pidfd] : [])
                if pidfd >= 0 { close(pidfd) }
                // Forked right away, measured better than waiting for an idle moment: back-to-back
                // spawns (a burst at the start of a run) then still find a spare.
                spare = forkSpare(zygote: zygote, closing: sigchld)
            default:
                fds.forEach { close($0) }
            }
        }
        // The coordinator is gone: no worker may outlive it.
        for pid in workers { kill(pid, SIGKILL) }
        if let spare { kill(spare.pid, SIGKILL) }
        reap(&workers, spare: &spare, to: statuses, blocking: true)
        return 0
    }

    /// Forks the next worker ahead of its request; nil if fork fails (spawns then fork on demand).
    private static func forkSpare(zygote: pid_t, closing sigchld: Int32) -> Spare? {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            return nil
        }
        let pid = fork()
        if pid == 0 {
            close(pair[0])
            close(sigchld)
            _ = pc_set_parent_death_signal(SIGKILL)
            // Nothing to do yet but wait; the end of the socket means the zygote no longer needs it.
            guard let (_, fds) = ZygoteMessage.receive(on: pair[1]), fds.count == 3 else { _exit(0) }
            becomeWorker(stdio: fds, zygote: zygote)
        }
        close(pair[1])
        guard pid > 0 else {
            close(pair[0])
            return nil
        }
        return Spare(pid: pid, socket: pair[0])
    }

    /// In the forked child: take the worker's pipes as stdio, drop everything of the zygote, run.
    private static func becomeWorker(stdio: [Int32], zygote: pid_t) -> Never {
        _ = pc_set_parent_death_signal(SIGKILL)
        if getppid() != zygote { _exit(137) }  // the zygote died between fork and prctl
        for (target, fd) in stdio.enumerated() { dup2(fd, Int32(target)) }
        pc_close_from(3)
        signal(SIGINT, SIG_DFL)
        _ = pc_unblock_all_signals()
        // _exit: the worker has written every event with write(2) and closed its files; the
        // zygote's atexit handlers and stdio buffers, copied by fork, are not the worker's to run.
        _exit(WorkerProcess.main())
    }

    /// Reaps ended children and reports each worker (a spare that died is only forgotten);
    /// `blocking` waits for all of them.
    private static func reap(_ workers: inout Set<pid_t>, spare: inout Spare?, to statuses: Int32, blocking: Bool) {
        while !workers.isEmpty || spare != nil {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, blocking ? 0 : WNOHANG)
            if pid < 0 && errno == EINTR { continue }
            guard pid > 0 else { return }
            if pid == spare?.pid {
                if let spare { close(spare.socket) }
                spare = nil
            } else if workers.remove(pid) != nil {
                // Only workers the coordinator knows of: a spare that died unused is not one.
                ZygoteMessage(.exited, pid, status).send(on: statuses)
            }
        }
    }

    /// What every worker does first, done once here so forked workers inherit it: the JSON coders'
    /// type metadata for the job and the events, and the environment dictionary.
    private static func warmUp() {
        let batch = WorkerBatch.startUpProbe
        if let data = try? JSONEncoder().encode(batch) { _ = try? JSONDecoder().decode(WorkerBatch.self, from: data) }
        _ = WorkerEvent(.workerFinished).jsonLine()
        _ = WorkerFault.fromEnvironment()
    }

    /// Threads of this process (entries of /proc/self/task).
    private static func threadCount() -> Int {
        guard let directory = opendir("/proc/self/task") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != 46 { count += 1 }  // not "." or ".."
        }
        return count
    }
}
