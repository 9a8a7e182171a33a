import Foundation
import Model

/// A running worker as the coordinator sees it: a stream of event lines, an end, and signals.
/// `ChildProcess` is today's (a local process); a fake in the tests scripts its lines, and a
/// launcher on another engine (a Slurm step, an ssh session) gives its own.
public protocol WorkerHandle: AnyObject, Sendable {
    /// The process id events carry (a launcher without local processes gives its own numbering).
    var pid: pid_t { get }
    /// Calls `line` for each complete line of output until it ends; returns a trailing partial
    /// line. A line longer than `limit` bytes goes to `overlong` (its length, its head), unbuffered.
    func readLines(limit: Int, _ line: (Substring) -> Void, overlong: (_ bytes: Int, _ head: String) -> Void)
        -> String?
    /// Waits for the worker to end: its exit status (128 + signal when a signal ended it), or nil
    /// when nobody can tell.
    func wait() -> Int32?
    /// Sends `signal` (SIGTERM to ask, SIGCONT to resume a stopped one, SIGKILL to end).
    func kill(_ signal: Int32)
}

/// Starts workers for one run; the coordinator knows nothing else of how.
public protocol WorkerLauncher: AnyObject, Sendable {
    /// How the workers were actually started (after any fallback).
    var mode: WorkerSpawnMode { get }
    /// Starts one worker and hands it `input` (its batch) on stdin.
    func launch(input: Data) throws -> any WorkerHandle
    /// Ends what the launcher started for the run (a zygote); call once every worker was waited for.
    func stop()
}

/// Makes a run's launcher, given the descriptor workers' stderr goes to (the run's `worker.log`).
public typealias WorkerLauncherFactory = (_ stderrFD: Int32) -> any WorkerLauncher

extension ChildProcess: WorkerHandle {}

/// Starts workers on this machine the way the scenario asks, falling back from the zygote to exec
/// (for the rest of the run) when the zygote cannot start, ends, is stopped, or does not answer
/// a spawn within `ZygoteClient.answerTimeout`.
public final class LocalWorkerLauncher: WorkerLauncher, @unchecked Sendable {
    let executable: String
    let stderrFD: Int32
    private var zygote: ZygoteClient?
    public private(set) var mode: WorkerSpawnMode

    public init(mode: WorkerSpawnMode, executable: String, stderrFD: Int32) {
        self.executable = executable
        self.stderrFD = stderrFD
        zygote = mode == .zygote ? ZygoteClient.start(executable: executable, stderrFD: stderrFD) : nil
        self.mode = zygote == nil ? .exec : .zygote
    }

    public func launch(input: Data) throws -> any WorkerHandle {
        if let zygote {
            do { return try zygote.spawn(input: input, stderrFD: stderrFD) } catch {
                let line = "simulate: \(error); workers are exec'd from now on\n"
                _ = line.withCString { write(stderrFD, $0, strlen($0)) }
                // A zygote that does not answer (stopped, hung) is ended; the workers it forked die
                // with it (PR_SET_PDEATHSIG) and their invocations are counted as lost.
                zygote.process.kill()
                zygote.stop()
                self.zygote = nil
                mode = .exec
            }
        }
        return try ChildProcess(executable: executable, arguments: ["worker"], input: input, stderrFD: stderrFD)
    }

    public func stop() {
        zygote?.stop()
        zygote = nil
    }
}

extension WorkerHandle {
    /// `readLines` with the event-line limit and nothing done for an over-long line.
    public func readLines(
        _ line: (Substring) -> Void, overlong: (_ bytes: Int, _ head: String) -> Void = { _, _ in }
    ) -> String? {
        readLines(limit: WorkerEvent.maxLineBytes, line, overlong: overlong)
    }
}
