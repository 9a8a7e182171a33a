import CProcessControl
import Environment
import Foundation
import Model

/// A worker process: its stdout carries events. Started with `posix_spawn` (exec), or forked by
/// the run's `WorkerZygote`, which is then its parent and reports its exit status.
///
/// Signals go to the process itself through its pidfd, never through the zygote, which may be
/// stopped: a pidfd names one process for good, so a reused pid is never signalled.
///
/// `posix_spawn` rather than Foundation's `Process`: direct control of the pipes and no run loop,
/// and the measured round trip was the cheapest option here (TOOLCHAIN.md).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    let stdoutFD: Int32
    /// Set when a zygote forked this worker: its exit status comes from the zygote.
    private let zygote: ZygoteClient?
    /// The process's pidfd, or -1 where the kernel gives none (signals then go by pid). Closed only
    /// with this object, so that a late signal can never reach a descriptor number reused since.
    private let pidfd: Int32

    /// A process this one spawned itself, with no pipe to read: only its exit status is wanted.
    public convenience init(spawned pid: pid_t) {
        self.init(pid: pid, stdoutFD: -1, zygote: nil, pidfd: pc_pidfd_open(pid))
    }

    init(pid: pid_t, stdoutFD: Int32, zygote: ZygoteClient?, pidfd: Int32) {
        self.pid = pid
        self.stdoutFD = stdoutFD
        self.zygote = zygote
        self.pidfd = pidfd
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }
    }

    /// Spawns `executable arguments...`, writes `input` to its stdin and closes it.
    /// - Parameter stderrFD: where the child's stderr goes (a log file), inherited as is.
    convenience init(executable: String, arguments: [String], input: Data, stderrFD: Int32) throws {
        let (inPipe, outPipe) = try Self.stdioPipes()
        let spawned = Self.spawn(
            executable: executable, arguments: arguments, stdio: [inPipe[0], outPipe[1], stderrFD])
        close(inPipe[0])
        close(outPipe[1])
        switch spawned {
        case .success(let child):
            // Its own child: the pid cannot be reused before this process waits for it.
            self.init(pid: child, stdoutFD: outPipe[0], zygote: nil, pidfd: pc_pidfd_open(child))
        case .failure(let error):
            close(inPipe[1])
            close(outPipe[0])
            throw ChildProcessError("cannot start \(executable): \(error)")
        }
        Self.feed(input, to: inPipe[1])
    }

    /// A pipe for the child's stdin and one for its stdout, both close-on-exec on this side.
    static func stdioPipes() throws -> (input: [Int32], output: [Int32]) {
        var inPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0 else { throw ChildProcessError("pipe failed (errno \(errno))") }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0])
            close(inPipe[1])
            throw ChildProcessError("pipe failed (errno \(errno))")
        }
        // Other children (exec'd or forked) must not hold these: a stray write end keeps EOF away.
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (inPipe, outPipe)
    }

    /// `posix_spawn` with `stdio` as descriptors 0, 1, 2 and nothing else open; the pid or the error.
    public static func spawn(executable: String, arguments: [String], stdio: [Int32]) -> Result<pid_t, POSIXSpawnError>
    {
        ProcessSpawn.spawn(executable: executable, arguments: arguments, stdio: stdio).mapError {
            POSIXSpawnError(code: $0.code)
        }
    }

    /// Whether `input` fits in the pipe `fd` at once, so that writing it cannot block.
    static func fits(_ input: Data, in fd: Int32) -> Bool {
        let capacity = pc_pipe_capacity(fd)
        return input.count <= (capacity > 0 ? Int(capacity) : 4096)  // 4 KiB: the POSIX minimum
    }

    /// Writes the job to the child's stdin and closes it: at once when it fits in the pipe, else on
    /// a thread of its own, so that a child stopped before it reads its job cannot hold up the
    /// coordinator's loop (the child reads its whole stdin before it starts, so nothing deadlocks).
    static func feed(_ input: Data, to fd: Int32) {
        let write: @Sendable () -> Void = {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        break  // the child has died (EPIPE; this process ignores SIGPIPE)
                    }
                    offset += n
                }
            }
            close(fd)
        }
        if fits(input, in: fd) { write() } else { Thread.detachNewThread(write) }
    }

    /// Calls `line` for each complete line of stdout until EOF; returns a trailing partial line, if any.
    ///
    /// A line longer than `limit` bytes is never buffered whole: it is read past, and `overlong`
    /// gets its length and its first 4 KiB once it ends (or at EOF).
    public func readLines(
        limit: Int = WorkerEvent.maxLineBytes, _ line: (Substring) -> Void,
        overlong: (_ bytes: Int, _ head: String) -> Void = { _, _ in }
    ) -> String? {
        var pending = [UInt8]()
        var dropped = 0  // bytes of an over-long line read past so far; 0 when none is open
        var head = ""
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let newline = UInt8(ascii: "\n")
        func drop(_ tail: ArraySlice<UInt8>) {
            if dropped == 0 {
                head = String(decoding: pending.prefix(4096) + tail.prefix(max(0, 4096 - pending.count)), as: UTF8.self)
            }
            dropped += (dropped == 0 ? pending.count : 0) + tail.count
            pending.removeAll()
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            var start = 0
            while start < n {
                // Only the new bytes are searched: a long line costs its length once, not squared.
                let end = buffer[start..<n].firstIndex(of: newline)
                let piece = buffer[start..<(end ?? n)]
                if dropped > 0 || pending.count + piece.count > limit {
                    drop(piece)
                } else if end != nil, pending.isEmpty {
                    line(Substring(String(decoding: piece, as: UTF8.self)))
                } else {
                    pending.append(contentsOf: piece)
                    if end != nil {
                        line(Substring(String(decoding: pending, as: UTF8.self)))
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                if end != nil, dropped > 0 {
                    overlong(dropped, head)
                    dropped = 0
                }
                start = (end ?? n - 1) + 1
            }
        }
        close(stdoutFD)
        if dropped > 0 { overlong(dropped, head) }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }

    /// Waits for the child and returns its exit status, or 128 + signal when a signal ended it; nil
    /// when nobody can tell: a forked worker that ended while its zygote was not answering.
    public func wait() -> Int32? {
        if let zygote { return zygote.waitForExit(of: self).map(Self.exitCode(waitStatus:)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Self.exitCode(waitStatus: status)
    }

    /// Whether the process has ended (a zombie has), asked of the kernel, not of its parent.
    var hasEnded: Bool {
        guard pidfd >= 0 else { return ProcessState.hasEnded(pid) }
        var ended = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&ended, 1, 0) == 1
    }

    /// The exit code in a raw `waitpid` status, or 128 + signal when a signal ended the process.
    static func exitCode(waitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Signals the process directly (a stopped one too: SIGKILL ends it, SIGCONT resumes it).
    public func kill(_ signal: Int32 = SIGKILL) {
        if pidfd >= 0 {
            _ = pc_pidfd_send_signal(pidfd, signal)
        } else {
            _ = Glibc.kill(pid, signal)
        }
    }

    /// The path of the running binary, so workers are the same build as their coordinator.
    public static func currentExecutable() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}

/// A `posix_spawn` failure code.
public struct POSIXSpawnError: Error, CustomStringConvertible {
    let code: Int32
    public var description: String { String(cString: strerror(code)) }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
