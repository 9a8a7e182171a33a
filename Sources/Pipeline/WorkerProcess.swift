import CProcessControl
import Foundation
import Model

/// The body of `simulate worker`: reads one `WorkerBatch` from stdin, runs its invocations in
/// sequence, and writes one JSON event per line to stdout as each happens.
public enum WorkerProcess {
    /// Exit codes: 0 all invocations ran; 3 the job could not be read; 4 an invocation threw.
    public static func main() -> Int32 {
        // An exec'd worker dies with its coordinator, even while stopped (a forked one already dies
        // with its zygote). Had the coordinator died before this line, the first write fails (SIGPIPE).
        _ = pc_set_parent_death_signal(SIGKILL)
        // The first event says the process is alive before any work, so the coordinator can tell
        // a worker that never started from one that failed on its batch.
        // Written by hand: the first JSON encoding in a process costs about a millisecond of
        // type-metadata work, and this event is on every worker's start-up path.
        write("{\"event\":\"worker_started\",\"pid\":\(getpid()),\"time\":\(Date().timeIntervalSince1970)}\n")
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let batch: WorkerBatch
        do { batch = try JSONDecoder().decode(WorkerBatch.self, from: input) } catch {
            FileHandle.standardError.write(Data("simulate worker: cannot read job from stdin: \(error)\n".utf8))
            return 3
        }
        if let megabytes = batch.memoryLimitMB { limitAddressSpace(megabytes: megabytes) }
        let faults = WorkerFault.fromEnvironment()
        return run(batch) { event in
            Self.emit(event)
            for fault in faults { fault.act(after: event, write: Self.write) }
        }
    }

    /// Runs `batch`'s invocations in order, handing each event to `emit`, and ends with
    /// `worker_finished`: 0 when every invocation ran, 4 when one threw. The worker's body after
    /// its batch is read; tests run it in memory behind a fake `WorkerHandle`.
    public static func run(_ batch: WorkerBatch, emit: @escaping (WorkerEvent) -> Void) -> Int32 {
        do {
            if batch.workload == .microbench {
                let runner = MicrobenchRunner(batch: batch, emit: emit)
                for spec in batch.invocations { try runner.run(spec) }
            } else {
                let runner = InvocationRunner(batch: batch, emit: emit)
                for spec in batch.invocations { try runner.run(spec) }
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

    /// One `write(2)` per event: nothing waits in a buffer if the process dies afterwards. Free
    /// text is cut first (`WorkerEvent.bounded`), so the line stays under the coordinator's limit.
    static func emit(_ event: WorkerEvent) {
        write(event.bounded.jsonLine() + "\n")
    }

    /// Caps this process's address space (`RLIMIT_AS`, soft limit, never above the hard one): a
    /// worker that would grow past it fails its own allocation and exits, alone, instead of
    /// taking the machine's memory. Set after the job is read, so that forked and exec'd workers
    /// (which share this body) both get it.
    static func limitAddressSpace(megabytes: Int) {
        var limit = rlimit()
        guard getrlimit(resourceAddressSpace, &limit) == 0 else { return }
        let wanted = rlim_t(megabytes) << 20
        limit.rlim_cur = min(wanted, limit.rlim_max)  // RLIM_INFINITY is the largest value
        if setrlimit(resourceAddressSpace, &limit) != 0 {
            FileHandle.standardError.write(Data("simulate worker: setrlimit(RLIMIT_AS) failed (errno \(errno))\n".utf8))
        }
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

#if canImport(Glibc)
    private let resourceAddressSpace = __rlimit_resource_t(RLIMIT_AS.rawValue)
#else
    private let resourceAddressSpace = RLIMIT_AS
#endif
