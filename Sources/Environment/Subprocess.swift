import Foundation

/// Runs a short-lived command to its end and keeps what it printed: the one way the tool runs an
/// interpreter, `pip` or the release probe. (Workers are long-lived and started by `ChildProcess`.)
public enum Subprocess {
    /// What a finished command did.
    public struct Result: Sendable {
        /// The exit status, or the signal's number when `signalled`.
        public let status: Int32
        public let signalled: Bool
        public let stdout: Data
        public let stderr: Data

        public var succeeded: Bool { !signalled && status == 0 }
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        /// "exited with status N" or "was killed by signal N".
        public var how: String { signalled ? "was killed by signal \(status)" : "exited with status \(status)" }

        /// The last non-empty line of what it printed (stderr first), shortened, for a one-line message.
        public var lastLine: String {
            func last(_ text: String) -> String? {
                text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .last { !$0.isEmpty }
            }
            guard let chosen = last(stderrText) ?? last(stdoutText) else { return "it printed nothing" }
            return chosen.count > 160 ? String(chosen.prefix(160)) + "…" : chosen
        }
    }

    /// Why a command could not be started at all.
    public struct LaunchFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments`, stdin empty, and
    /// waits for it. With `echoStderr`, what it writes on stderr also goes on to ours as it comes
    /// (progress of a long step). `environment` entries are added to this process's environment.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: URL? = nil, echoStderr: Bool = false
    ) throws -> Result {
        guard let path = executablePath(executable) else {
            throw LaunchFailure(description: "\(executable): no such executable")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw LaunchFailure(description: "\(executable): cannot be run (\(error.localizedDescription))")
        }
        // Drain both pipes while it runs, so that neither can fill and block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) {
            while true {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                if echoStderr { FileHandle.standardError.write(chunk) }
                errData.append(chunk)
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: outData, stderr: errData)
    }

    /// A name without "/" is looked up on `PATH`, as a shell would; a path must be an executable file.
    public static func executablePath(_ name: String) -> String? {
        func isExecutableFile(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return searched.map { "\($0.isEmpty ? "." : $0)/\(name)" }.first(where: isExecutableFile)
    }
}
