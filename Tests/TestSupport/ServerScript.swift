import Foundation

/// Runs the scripts that start and stop the throwaway servers tests need (`scripts/postgres-server`,
/// `scripts/slurm-cluster`, `scripts/sshd-server`).
public enum ServerScript {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Runs the script and returns its standard output; throws with its standard error on failure.
    /// posix_spawn and waitpid, not `Process`: the server the script leaves running must not tie the
    /// call to Foundation's child monitoring (its `waitUntilExit` never returned here).
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent(
            "server-script-\(UUID().uuidString)")
        let (out, err) = (capture.path + ".out", capture.path + ".err")
        defer { for file in [out, err] { try? FileManager.default.removeItem(atPath: file) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = (["/bin/bash"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(message: "cannot run \(arguments.first ?? ""): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let message = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            throw Failure(message: "\(arguments.joined(separator: " ")) failed: \(message)")
        }
        return output
    }

    /// Runs `script start FOLDER` in a fresh folder `/tmp/simulate-NAME-PID-XXXXXXXX` (short: a unix
    /// socket's path must fit in 107 bytes) and returns the folder and the line it printed (the URL
    /// or configuration file clients use). A start that printed something `expected` refuses is
    /// stopped again and thrown.
    public static func start(_ script: String, name: String, expected: (String) -> Bool) throws
        -> (folder: String, printed: String)
    {
        let folder = "/tmp/simulate-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        let printed = try run([script, "start", folder]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard expected(printed) else {
            stop(script, folder: folder)
            throw Failure(message: "\((script as NSString).lastPathComponent) start printed '\(printed)'")
        }
        return (folder, printed)
    }

    /// `script stop FOLDER`: the server stopped and its folder removed; errors are ignored.
    public static func stop(_ script: String, folder: String) {
        _ = try? run([script, "stop", folder])
    }
}
