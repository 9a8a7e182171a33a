import Foundation

/// A worker process started with `posix_spawn`: its stdin gets the job, its stdout carries events.
///
/// `posix_spawn` rather than Foundation's `Process`: direct control of the pipes and no run loop,
/// and the measured round trip was the cheapest option here (TOOLCHAIN.md).
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let stdoutFD: Int32

    /// Spawns `executable arguments...`, writes `input` to its stdin and closes it.
    /// - Parameter stderrFD: where the child's stderr goes (a log file), inherited as is.
    init(executable: String, arguments: [String], input: Data, stderrFD: Int32) throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { throw ChildProcessError("pipe failed (errno \(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        for fd in [inPipe[0], inPipe[1], outPipe[0], outPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        // Nothing else crosses over: SwiftNIO opens its sockets without close-on-exec, so without
        // this every worker would hold the loopback server's listening socket (and the other
        // workers' connections and pipes) open, and the port could outlive the server.
        _ = closeFrom.map { $0(&actions, 3) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, environ)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0])
            throw ChildProcessError("cannot start \(executable) (error \(rc))")
        }
        pid = child
        stdoutFD = outPipe[0]
        // The child reads its whole stdin before it starts, so writing here cannot deadlock.
        input.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(inPipe[1], raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; break }
                offset += n
            }
        }
        close(inPipe[1])
    }

    /// Calls `line` for each complete line of stdout until EOF; returns a trailing partial line, if any.
    func readLines(_ line: (Substring) -> Void) -> String? {
        var pending = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            var lineStart = 0
            while let nl = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                line(Substring(String(decoding: pending[lineStart..<nl], as: UTF8.self)))
                lineStart = nl + 1
            }
            pending.removeSubrange(0..<lineStart)
        }
        close(stdoutFD)
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }

    /// Waits for the child and returns its exit status, or 128 + signal when a signal ended it.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    /// The path of the running binary, so workers are the same build as their coordinator.
    static func currentExecutable() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because the
/// Glibc module does not declare it (it needs `_GNU_SOURCE`); nil on an older C library.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
private let closeFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
    unsafeBitCast($0, to: AddCloseFrom.self)
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
