import Foundation

/// `posix_spawn` as the tool starts every child process (`Subprocess`, and a run's workers through
/// `ChildProcess`): `stdio` as descriptors 0, 1, 2 and nothing else open, SIGPIPE at its default
/// action and no signal blocked; with `ownGroup`, in a new process group whose id is its pid, so
/// that the child and everything it starts can be signalled at once (`kill(-pid, ...)`).
public enum ProcessSpawn {
    /// A `posix_spawn` failure code.
    public struct Failure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// The pid of the started process, or why it could not start.
    public static func spawn(executable: String, arguments: [String], stdio: [Int32], ownGroup: Bool = false)
        -> Result<pid_t, Failure>
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, fd) in stdio.enumerated() { posix_spawn_file_actions_adddup2(&actions, fd, Int32(target)) }
        // Nothing else crosses over: SwiftNIO opens its sockets without close-on-exec, so without
        // this every child would hold the loopback server's listening socket (and the other
        // children's pipes) open, and a port or a pipe's EOF could outlive its owner.
        _ = closeFrom.map { $0(&actions, 3) }
        // This process ignores SIGPIPE, and an ignored signal stays ignored across exec: a child
        // whose reader died would then run on into a broken pipe instead of dying at its first
        // write. Every signal unblocked, too.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        return rc == 0 ? .success(child) : .failure(Failure(code: rc))
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because the
/// Glibc module does not declare it (it needs `_GNU_SOURCE`); nil on an older C library.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
private let closeFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
    unsafeBitCast($0, to: AddCloseFrom.self)
}
