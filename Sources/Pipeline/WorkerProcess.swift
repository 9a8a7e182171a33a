import CProcessControl
import Foundation

/// The body of `simulate worker`: reads one `WorkerJob` from stdin, runs its invocations in
/// sequence, and writes one JSON event per line to stdout as each happens.
public enum WorkerProcess {
    /// Exit codes: 0 all invocations ran; 3 the job could not be read; 4 an invocation threw.
    public static func main() -> Int32 {
        // An exec'd worker dies with its coordinator, even while stopped (a forked one already dies
        // with its zygote). Had the coordinator died before this line, the first write fails (SIGPIPE).
        _ = pc_set_parent_death_signal(SIGKILL)
        // The first event says the process is alive before any work, so the coordinator can tell
        // a worker that never started from one that failed on its job.
        // Written by hand: the first JSON encoding in a process costs about a millisecond of
        // type-metadata work, and this event is on every worker's start-up path.
        write("{\"event\":\"worker_started\",\"pid\":\(getpid()),\"time\":\(Date().timeIntervalSince1970)}\n")
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let job: WorkerJob
        do { job = try JSONDecoder().decode(WorkerJob.self, from: input) } catch {
            FileHandle.standardError.write(Data("simulate worker: cannot read job from stdin: \(error)\n".utf8))
            return 3
        }
        let faults = WorkerFault.fromEnvironment()
        let emit: (WorkerEvent) -> Void = { event in
            Self.emit(event)
            for fault in faults { fault.act(after: event, write: Self.write) }
        }
        do {
            if job.workload == .microbench {
                let runner = MicrobenchRunner(job: job, emit: emit)
                for spec in job.invocations { try runner.run(spec) }
            } else {
                let runner = InvocationRunner(job: job, emit: emit)
                for spec in job.invocations { try runner.run(spec) }
            }
        } catch {
            var failed = WorkerEvent(.workerFinished)
            failed.detail = "error: \(error)"
            emit(failed)
            return 4
        }
        emit(WorkerEvent(.workerFinished))
        return 0
    }

    /// One `write(2)` per event: nothing waits in a buffer if the process dies afterwards.
    static func emit(_ event: WorkerEvent) {
        write(event.jsonLine() + "\n")
    }

    /// Writes a whole line to stdout with as few `write(2)` calls as the kernel allows.
    static func write(_ line: String) {
        line.utf8CString.withUnsafeBufferPointer { buf in
            var offset = 0
            let count = buf.count - 1
            while offset < count {
                let n = Glibc.write(1, buf.baseAddress! + offset, count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}
