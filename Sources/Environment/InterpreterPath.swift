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
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(
                python, ["-c", asConsoleScript ? consoleScriptCode : plainCode], limits: .query)
        } catch let failure as Subprocess.Failure {
            throw Failure(description: failure.description)
        }
        guard result.succeeded else {
            let said = result.stderr.isEmpty ? "" : ": \(result.lastLine)"
            throw Failure(description: "\(python): \(result.how)\(said)")
        }
        guard let entries = try? JSONDecoder().decode([String].self, from: result.stdout) else {
            throw Failure(description: "\(python): did not print sys.path as a JSON list of strings")
        }
        return entries
    }
}
