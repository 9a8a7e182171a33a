import Foundation

/// Runs a command to its end and keeps what it printed: the one way the tool runs an interpreter,
/// `pip` or the release probe. (A run's workers are started by `ChildProcess`, with limits of their own.)
///
/// The rule every such child runs under (docs/usage.md, "Interpreters and other child processes"):
/// - it starts in a process group of its own, with stdin empty and no other descriptor of ours;
/// - it has a time limit and an output limit (`Limits`); past either, or when SIGINT, SIGTERM or
///   SIGHUP reaches this process, the whole group is killed and the call throws (`Failure`,
///   `Interrupted`): nothing it started is left running, nothing waits on a pipe it holds;
/// - once it exits, whatever it left behind in its group is killed too, for the same reason;
/// - what it printed reaches the user only through `TerminalText.stripped` (`lastLine`, the echo).
public enum Subprocess {
    /// What a finished command did.
    public struct Result: Sendable {
        /// The exit status, or the signal's number when `signalled`.
        public let status: Int32
        public let signalled: Bool
        /// Raw bytes, to parse; shown to the user only through `TerminalText.stripped`.
        public let stdout: Data
        public let stderr: Data

        public init(status: Int32, signalled: Bool, stdout: Data, stderr: Data) {
            self.status = status
            self.signalled = signalled
            self.stdout = stdout
            self.stderr = stderr
        }

        public var succeeded: Bool { !signalled && status == 0 }
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        /// "exited with status N" or "was killed by signal N".
        public var how: String { signalled ? "was killed by signal \(status)" : "exited with status \(status)" }

        /// The last non-empty line of what it printed (stderr first), stripped of control sequences
        /// and shortened, for a one-line message; nil when it printed nothing.
        public var lastPrintedLine: String? {
            func last(_ text: String) -> String? {
                TerminalText.stripped(text).split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
            }
            guard let chosen = last(stderrText) ?? last(stdoutText) else { return nil }
            return chosen.count > 160 ? String(chosen.prefix(160)) + "…" : chosen
        }

        /// `lastPrintedLine`, or "it printed nothing".
        public var lastLine: String { lastPrintedLine ?? "it printed nothing" }
    }

    /// Why a command could not be run to its end.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public enum Reason: Error, Equatable, Sendable {
            case notFound
            case cannotStart(String)
            /// Still running when its time limit (seconds) was up.
            case timedOut(Double)
            /// Printed more than the output limit (bytes) on one stream.
            case printedTooMuch(stream: String, limit: Int)
            /// A limit set in the environment that is not a positive number.
            case badSetting(variable: String, value: String)
        }

        public let executable: String
        public let reason: Reason

        /// What went wrong, without the executable's name: for a message that names it its own way.
        public var explanation: String {
            let stopped = "stopped, with every process it started"
            switch reason {
            case .notFound: return "no such executable"
            case .cannotStart(let why): return "cannot be run (\(why))"
            case .timedOut(let seconds):
                return "still running after \(Limits.describe(seconds: seconds)): \(stopped) "
                    + "(the limit is \(Limits.timeVariable))"
            case .printedTooMuch(let stream, let limit):
                return "printed more than \(Limits.describe(bytes: limit)) on \(stream): \(stopped) "
                    + "(the limit is \(Limits.outputVariable))"
            case .badSetting(let variable, let value):
                return "\(variable)=\(TerminalText.stripped(value)): expected a positive whole number"
            }
        }

        /// One line: the executable, then what went wrong.
        public var description: String { "\(executable): \(explanation)" }
    }

    /// SIGINT, SIGTERM or SIGHUP reached this process while a child ran: the child's group was
    /// killed and reaped; the command should end as the signal asks (`endProcess`).
    public struct Interrupted: Error, CustomStringConvertible {
        public let signal: Int32
        public var description: String { "interrupted by signal \(signal)" }

        /// Ends this process as the signal's default action would (after the callers' clean-ups
        /// have run), so that a shell sees what it expects of a Ctrl-C.
        public func endProcess() -> Never {
            Glibc.signal(self.signal, SIG_DFL)
            raise(self.signal)
            exit(128 + self.signal)
        }
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments` under `limits`,
    /// and waits for it. With `echoStderr`, what it writes on stderr also goes on to ours, line by
    /// line and stripped of control sequences, as it comes (progress of a long step).
    public static func run(_ executable: String, _ arguments: [String], limits: Limits, echoStderr: Bool = false)
        throws -> Result
    {
        guard let path = executablePath(executable) else { throw Failure(executable: executable, reason: .notFound) }
        let applied: Limits
        do { applied = try limits.applying(ProcessInfo.processInfo.environment) } catch let reason {
            throw Failure(executable: executable, reason: reason)
        }
        let signals = SubprocessSignals.intercept()
        defer { signals.restore() }
        let group: ChildGroup
        do { group = try ChildGroup.start(path, arguments) } catch let reason {
            throw Failure(executable: executable, reason: reason)
        }
        defer { group.release() }
        let echo = echoStderr ? LineEcho() : nil
        switch group.collect(limits: applied, echo: echo, interrupted: { signals.received }) {
        case .finished(let status, let signalled, let stdout, let stderr):
            return Result(status: status, signalled: signalled, stdout: stdout, stderr: stderr)
        case .stopped(let reason): throw Failure(executable: executable, reason: reason)
        case .interrupted(let signal): throw Interrupted(signal: signal)
        }
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
