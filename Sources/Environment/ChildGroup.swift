import Foundation

/// One child `Subprocess` started in a process group of its own, its stdout and stderr on pipes
/// this process reads (non-blocking) until it ends or has to be stopped.
final class ChildGroup {
    /// How a child's run ended.
    enum Outcome {
        case finished(status: Int32, signalled: Bool, stdout: Data, stderr: Data)
        /// Killed with its group for passing a limit.
        case stopped(Subprocess.Failure.Reason)
        /// Killed with its group because this process received the signal.
        case interrupted(Int32)
    }

    /// The child's pid, which is also its process group's id.
    let pid: pid_t
    private var stdout: Stream
    private var stderr: Stream
    private var reaped = false
    /// One read's worth, reused.
    private var buffer = [UInt8](repeating: 0, count: 65536)

    /// After the child exits, how long pipes held open by something outside its group are still
    /// read before they are given up.
    static let drainNanoseconds: UInt64 = 1_000_000_000

    private struct Stream {
        let name: String
        var fd: Int32
        var data = Data()
        var isOpen: Bool { fd >= 0 }
    }

    private init(pid: pid_t, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        stdout = Stream(name: "stdout", fd: stdoutFD)
        stderr = Stream(name: "stderr", fd: stderrFD)
    }

    /// Starts `path` with stdin from /dev/null and stdout and stderr on new pipes.
    static func start(_ path: String, _ arguments: [String]) throws(Subprocess.Failure.Reason) -> ChildGroup {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            let reason = String(cString: strerror(errno))
            for fd in out + err where fd >= 0 { close(fd) }
            throw .cannotStart("pipe: \(reason)")
        }
        // Other children must not hold these: a stray write end keeps EOF away.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            if null >= 0 { close(null) }
            close(out[1])
            close(err[1])
        }
        switch ProcessSpawn.spawn(
            executable: path, arguments: arguments, stdio: [null, out[1], err[1]], ownGroup: true)
        {
        case .failure(let failure):
            close(out[0])
            close(err[0])
            throw .cannotStart(failure.description)
        case .success(let pid):
            for fd in [out[0], err[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            return ChildGroup(pid: pid, stdoutFD: out[0], stderrFD: err[0])
        }
    }

    /// Reads both pipes until the child exits and they close, under `limits`; `interrupted` says
    /// which signal (if any) has reached this process. Whatever it ends with, the group is dead.
    func collect(limits: Subprocess.Limits, echo: LineEcho?, interrupted: () -> Int32) -> Outcome {
        let deadline = Self.now() &+ UInt64(min(limits.seconds, 1e9) * 1e9)
        var exit: (status: Int32, signalled: Bool)?
        var drainDeadline = UInt64.max
        while true {
            let signal = interrupted()
            if signal != 0 { return stop(.interrupted(signal)) }
            let now = Self.now()
            if let exit, (!stdout.isOpen && !stderr.isOpen) || now >= drainDeadline {
                echo?.finish()
                return .finished(
                    status: exit.status, signalled: exit.signalled, stdout: stdout.data, stderr: stderr.data)
            }
            if exit == nil, now >= deadline { return stop(.stopped(.timedOut(limits.seconds))) }
            // Wake at least every 100 ms: a signal may have been delivered to another thread.
            let remaining = (exit == nil ? deadline : drainDeadline) - now
            let tick = stdout.isOpen || stderr.isOpen ? 100 : 20
            wait(milliseconds: Int32(min(UInt64(tick), remaining / 1_000_000 + 1)))
            for (stream, echoed) in [(\ChildGroup.stdout, nil), (\ChildGroup.stderr, echo)] {
                if let tooMuch = read(stream, limit: limits.outputBytes, echo: echoed) {
                    return stop(.stopped(tooMuch))
                }
            }
            if exit == nil, let status = reapIfExited() {
                exit = status
                // Nothing it started outlives it, and nothing it left holds its pipes open.
                kill(-pid, SIGKILL)
                drainDeadline = min(Self.now() &+ Self.drainNanoseconds, deadline)
            }
        }
    }

    /// Closes the pipes still open; a child not reaped yet (an early way out) is killed first.
    func release() {
        killAndReap()
        for fd in [stdout.fd, stderr.fd] where fd >= 0 { Glibc.close(fd) }
        stdout.fd = -1
        stderr.fd = -1
    }

    /// Kills the whole group and reaps the child; returns `outcome`.
    private func stop(_ outcome: Outcome) -> Outcome {
        killAndReap()
        return outcome
    }

    private func killAndReap() {
        guard !reaped else { return }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }

    /// Polls the open pipes for up to `milliseconds`.
    private func wait(milliseconds: Int32) {
        var fds = [stdout.fd, stderr.fd].filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
    }

    /// One read of the stream, if it has something; the reason to stop when it passed `limit`.
    private func read(_ stream: ReferenceWritableKeyPath<ChildGroup, Stream>, limit: Int, echo: LineEcho?)
        -> Subprocess.Failure.Reason?
    {
        let fd = self[keyPath: stream].fd
        guard fd >= 0 else { return nil }
        let n = Glibc.read(fd, &buffer, buffer.count)
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) {
            Glibc.close(fd)
            self[keyPath: stream].fd = -1
            return nil
        }
        guard n > 0 else { return nil }
        guard self[keyPath: stream].data.count + n <= limit else {
            return .printedTooMuch(stream: self[keyPath: stream].name, limit: limit)
        }
        self[keyPath: stream].data.append(contentsOf: buffer[0..<n])
        echo?.feed(buffer[0..<n])
        return nil
    }

    /// The child's exit status once it has ended (reaping it), else nil.
    private func reapIfExited() -> (status: Int32, signalled: Bool)? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        reaped = true
        let signal = status & 0x7F
        return signal == 0 ? ((status >> 8) & 0xFF, false) : (signal, true)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// A child's stderr passed on to ours line by line, stripped of control sequences. A line keeps
/// at most `lineBytes` (the rest is dropped, marked "…"), so that memory and the work of stripping
/// stay bounded whatever the child writes.
final class LineEcho {
    static let lineBytes = 4096
    private var line: [UInt8] = []
    private var truncated = false

    func feed(_ bytes: ArraySlice<UInt8>) {
        var shown: [UInt8] = []
        bytes.withUnsafeBufferPointer { chunk in
            var start = 0
            while start < chunk.count {
                // memchr: a child may write megabytes without a newline.
                let found = memchr(chunk.baseAddress! + start, 0x0A, chunk.count - start)
                let end = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(chunk.baseAddress!) } ?? chunk.count
                let room = Self.lineBytes - line.count
                line.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<min(end, start + max(room, 0))]))
                if end - start > room { truncated = true }
                guard found != nil else { break }
                shown += ended()
                start = end + 1
            }
        }
        write(shown)
    }

    func finish() {
        if !line.isEmpty || truncated { write(ended()) }
    }

    /// The line so far, stripped, with its newline; starts the next.
    private func ended() -> [UInt8] {
        defer {
            line.removeAll(keepingCapacity: true)
            truncated = false
        }
        return TerminalText.stripped(utf8: line) + (truncated ? Array("…".utf8) : []) + [0x0A]
    }

    private func write(_ bytes: [UInt8]) {
        if !bytes.isEmpty { FileHandle.standardError.write(Data(bytes)) }
    }
}
