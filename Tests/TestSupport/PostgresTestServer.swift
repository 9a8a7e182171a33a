import Foundation

/// A throwaway PostgreSQL server for a test process, started with `scripts/postgres-server` on first
/// use and stopped (its folder removed) when the process exits. Tests that need one check
/// `PostgresTestServer.available` first and say why they skip without it.
public final class PostgresTestServer: Sendable {
    /// The server's `postgresql://postgres@127.0.0.1:PORT/postgres` URL.
    public let url: String
    /// The folder the cluster lives in (what `stop` removes).
    public let folder: String

    /// The script that starts and stops servers.
    public static let script = TestProfiles.repository.appendingPathComponent("scripts/postgres-server").path

    /// True when Debian's postgresql package (or POSTGRES_BIN) provides `initdb`.
    public static var available: Bool {
        if let bin = ProcessInfo.processInfo.environment["POSTGRES_BIN"] {
            return FileManager.default.isExecutableFile(atPath: bin + "/initdb")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.contains {
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }
    }

    /// Why tests that need a server skip (one line).
    public static let skipReason =
        "no initdb: install Debian's postgresql package (scripts/install-system-deps.sh) or set POSTGRES_BIN"

    /// The process's server, started on first use; nil (with the reason printed) if it would not start.
    public static let shared: PostgresTestServer? = {
        do {
            let server = try PostgresTestServer.start()
            atexit { PostgresTestServer.shared?.stop() }
            return server
        } catch {
            print("PostgresTestServer: \(error)")
            return nil
        }
    }()

    private init(url: String, folder: String) {
        self.url = url
        self.folder = folder
    }

    /// Starts a new server in a fresh folder under the temporary directory.
    public static func start() throws -> PostgresTestServer {
        // Short: the unix socket's path must fit in 107 bytes.
        let folder = "/tmp/simulate-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        let output = try run([script, "start", folder])
        let url = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("postgresql://") else {
            _ = try? run([script, "stop", folder])
            throw ServerError(message: "postgres-server start printed '\(url)'")
        }
        return PostgresTestServer(url: url, folder: folder)
    }

    /// Stops the server and removes its folder.
    public func stop() {
        _ = try? Self.run([Self.script, "stop", folder])
    }

    /// A database URL whose connections use `schema` (for one test's own tables).
    public func url(schema: String) -> String { url + "?options=-csearch_path%3D" + schema }

    struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Runs the script and returns its standard output; throws with its standard error on failure.
    /// posix_spawn and waitpid, not `Process`: the server the script leaves running must not tie the
    /// call to Foundation's child monitoring (its `waitUntilExit` never returned here).
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent(
            "postgres-server-\(UUID().uuidString)")
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
            throw ServerError(message: "cannot run \(script): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let message = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            throw ServerError(message: "\(arguments.joined(separator: " ")) failed: \(message)")
        }
        return output
    }
}
