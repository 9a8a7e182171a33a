import Foundation

/// The real binary started in a session of its own, as a service manager or `setsid` starts it.
///
/// Not a Foundation `Process`: that child's process group has a parent (the test) elsewhere in the
/// test's session, so when the coordinator dies the group becomes orphaned and the kernel sends
/// SIGHUP and SIGCONT to its stopped members, which ends a stopped zygote on the run's behalf (as a
/// terminal's shell would). In a session of its own nothing rescues a stopped process: only what
/// the run itself does ends it.
final class DetachedRun {
    let pid: pid_t
    private var waitStatus: Int32?

    init(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID (glibc; hidden behind _GNU_SOURCE)
        let path = SimulateBinary.url.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw CocoaError(.executableLoad, userInfo: ["errno": rc]) }
        pid = child
    }

    var isRunning: Bool {
        guard waitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { waitStatus = status }
        return waitStatus == nil
    }

    func waitUntilExit() {
        guard waitStatus == nil else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        waitStatus = status
    }

    /// The exit code, or 128 + the signal that ended it.
    var terminationStatus: Int32 {
        waitUntilExit()
        let status = waitStatus ?? 0
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
