import Foundation

/// The `sys.path` of a Python interpreter, read by running it once.
public enum InterpreterPath {
    /// Why an interpreter's `sys.path` could not be read.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// One line, naming the interpreter.
        public let description: String
    }

    /// What the interpreter prints: `sys.path` as a JSON list.
    static let plainCode = "import json,sys; print(json.dumps(sys.path))"
    /// The same with `sys.path[0]` as a console script in the interpreter's folder sees it (a
    /// venv's `bin/meltano`): the script's folder, not the current directory (`""`).
    static let consoleScriptCode =
        "import json,os,sys; print(json.dumps([os.path.dirname(sys.executable)] + sys.path[1:]))"

    /// Runs `python` (a path, or a name looked up on `PATH`) in the current directory and returns
    /// its `sys.path`; with `asConsoleScript`, the first entry is the interpreter's own folder.
    public static func sysPath(of python: String, asConsoleScript: Bool = false) throws -> [String] {
        guard let executable = executablePath(python) else {
            throw Failure(description: "\(python): no such executable")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", asConsoleScript ? consoleScriptCode : plainCode]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(description: "\(python): cannot be run (\(error.localizedDescription))")
        }
        // Drain both pipes while it runs, so that neither can fill and block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw Failure(description: "\(python): exited with status \(process.terminationStatus)\(said)")
        }
        guard let entries = try? JSONSerialization.jsonObject(with: outData) as? [String] else {
            throw Failure(description: "\(python): did not print sys.path as a JSON list of strings")
        }
        return entries
    }

    // A name without "/" is looked up on PATH, as a shell would.
    private static func executablePath(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return searched.map { "\($0.isEmpty ? "." : $0)/\(name)" }.first {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
