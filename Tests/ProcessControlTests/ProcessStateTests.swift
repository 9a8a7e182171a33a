import Foundation
import Testing

@testable import ProcessControl

/// What the coordinator asks of the kernel instead of the zygote: whether a process is stopped or
/// has ended, and a signal through its pidfd, which reaches a stopped process too.
@Suite struct ProcessStateTests {
    /// A `sleep` this process spawned itself (so it can wait for it).
    func sleeper() throws -> ChildProcess {
        let devNull = open("/dev/null", O_RDWR)
        defer { close(devNull) }
        guard
            case .success(let pid) = ChildProcess.spawn(
                executable: "/bin/sleep", arguments: ["30"], stdio: [devNull, devNull, devNull])
        else { throw ChildProcessError("cannot start /bin/sleep") }
        return ChildProcess(spawned: pid)
    }

    @Test func aStoppedProcessIsSeenStoppedAndSIGKILLThroughItsPidfdEndsIt() throws {
        let child = try sleeper()
        #expect(!ProcessState.isStopped(child.pid))
        child.kill(SIGSTOP)
        var waited = 0
        while !ProcessState.isStopped(child.pid) && waited < 200 {
            usleep(10_000)
            waited += 1
        }
        #expect(ProcessState.isStopped(child.pid))
        #expect(!child.hasEnded)
        child.kill(SIGKILL)
        while !child.hasEnded && waited < 400 {
            usleep(10_000)
            waited += 1
        }
        #expect(child.hasEnded, "a zombie has ended")
        #expect(ProcessState.hasEnded(child.pid))
        #expect(child.wait() == 128 + SIGKILL)
        #expect(ProcessState.letter(of: child.pid) == nil, "reaped")
    }
}
