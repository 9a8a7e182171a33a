import Environment
import Foundation

/// A virtual environment with one Meltano release from the package index, made once in a cache
/// folder outside the repository and reused (`simulate profile --meltano VERSION`).
public struct ReleaseEnvironment {
    /// Why the environment could not be made, in one line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The file that marks a finished install; a folder without it is a partial one and is remade.
    static let readyStamp = ".simulate-ready"

    public let version: String
    public let folder: URL

    public var python: String { folder.appendingPathComponent("bin/python").path }

    /// `root` defaults to `$SIMULATE_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/simulate`, + `releases/`.
    public init(version: String, root: URL? = nil) throws {
        // A version goes into a pip requirement and a folder name: nothing but a version's characters.
        let allowed = CharacterSet(charactersIn: "0123456789.abcrdevpost+")
        guard !version.isEmpty, version.first?.isNumber == true, version.unicodeScalars.allSatisfy(allowed.contains)
        else {
            throw Failure(description: "--meltano \(version): not a release version (e.g. 3.7.9 or 4.2.0rc1)")
        }
        self.version = version
        self.folder = (root ?? Self.defaultRoot).appendingPathComponent("releases/meltano-\(version)")
    }

    static var defaultRoot: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["SIMULATE_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache"
        return URL(fileURLWithPath: cache).appendingPathComponent("simulate")
    }

    public var isReady: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.readyStamp).path)
    }

    /// Makes the environment unless a finished one is there; a failed install leaves nothing behind.
    /// - Parameter basePython: the interpreter that makes the virtual environment.
    public func prepare(basePython: String, progress: (String) -> Void) throws {
        if isReady { return }
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.path) {
            progress("removing the unfinished environment \(folder.path)")
            try fm.removeItem(at: folder)
        }
        try fm.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        var finished = false
        defer { if !finished { try? fm.removeItem(at: folder) } }
        progress("making \(folder.path) with \(basePython) -m venv")
        let venv = try run(basePython, ["-m", "venv", folder.path])
        guard venv.succeeded else {
            throw Failure(
                description: "--base-python \(basePython): cannot make a virtual environment (\(venv.lastLine))")
        }
        progress("installing meltano==\(version) from the package index")
        let pip = try run(
            python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "meltano==\(version)"])
        guard pip.succeeded else { throw Failure(description: Self.explain(pip, version: version)) }
        try Data().write(to: folder.appendingPathComponent(Self.readyStamp))
        finished = true
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> Subprocess.Result {
        do { return try Subprocess.run(executable, arguments, limits: .step) } catch let failure as Subprocess.Failure {
            throw Failure(description: failure.description)
        }
    }

    /// The versions pip says it ignored because their Requires-Python excludes this interpreter
    /// ("Ignored the following versions that require a different python version: 1.0 Requires-Python ...; 1.1 ...").
    static func ignoredForPython(_ said: String) -> Set<String> {
        guard
            let line = said.split(separator: "\n").first(where: { $0.contains("require a different python version") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(
            line[line.index(after: colon)...].split(separator: ";").compactMap {
                $0.split(separator: " ").first.map(String.init)
            })
    }

    /// One line for a failed `pip install`: no such release, no network, or pip's own last words.
    static func explain(_ pip: Subprocess.Result, version: String) -> String {
        let said = pip.stderrText
        let offline = [
            "Failed to establish a new connection", "Temporary failure in name resolution", "Network is unreachable",
            "Name or service not known", "Connection refused", "Max retries exceeded",
        ]
        // A reachable index lists meltano's many versions; none at all means it was not reached.
        if offline.contains(where: said.contains) || said.contains("(from versions: none)") {
            return "--meltano \(version): the package index cannot be reached (no network?); nothing was kept"
        }
        if ignoredForPython(said).contains(version) {
            return
                "--meltano \(version): this release does not install on this Python (its Requires-Python excludes it); "
                + "try --base-python with another interpreter"
        }
        if said.contains("No matching distribution found") {
            return
                "--meltano \(version): no such release on the package index (`pip index versions meltano` lists them)"
        }
        return "--meltano \(version): pip install failed (\(pip.lastLine)); nothing was kept"
    }
}
