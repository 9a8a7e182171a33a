import Foundation
import Model

/// Starts workers for one run the way the scenario asks, falling back from the zygote to exec
/// (for the rest of the run) when the zygote cannot start, ends, is stopped, or does not answer
/// a spawn within `ZygoteClient.answerTimeout`.
public final class WorkerLauncher: @unchecked Sendable {
    let executable: String
    let stderrFD: Int32
    private var zygote: ZygoteClient?
    /// What the run actually used; `exec` after a fallback.
    public private(set) var mode: WorkerSpawnMode

    public init(mode: WorkerSpawnMode, executable: String, stderrFD: Int32) {
        self.executable = executable
        self.stderrFD = stderrFD
        zygote = mode == .zygote ? ZygoteClient.start(executable: executable, stderrFD: stderrFD) : nil
        self.mode = zygote == nil ? .exec : .zygote
    }

    /// Starts one worker and hands it `input` (its job) on stdin.
    public func launch(input: Data) throws -> ChildProcess {
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

    /// Ends the zygote, if any; call once every worker has been waited for.
    public func stop() {
        zygote?.stop()
        zygote = nil
    }
}
