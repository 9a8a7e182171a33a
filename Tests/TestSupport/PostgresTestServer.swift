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
        let (folder, url) = try ServerScript.start(script, name: "pg") { $0.hasPrefix("postgresql://") }
        return PostgresTestServer(url: url, folder: folder)
    }

    /// Stops the server and removes its folder.
    public func stop() {
        ServerScript.stop(Self.script, folder: folder)
    }

    /// A database URL whose connections use `schema` (for one test's own tables).
    public func url(schema: String) -> String { url + "?options=-csearch_path%3D" + schema }

}
