import Foundation
import Model

/// A fault a worker injects into itself, for the fault tests: `SIMULATE_WORKER_FAULT=KIND@N`
/// (comma-separated for several) makes the worker running invocation N misbehave right after that
/// invocation's catalog-write phase, i.e. mid-invocation.
///
/// Kinds: `kill` (SIGKILL to itself), `hang` (sleeps until killed), `garbage` (a line that is not an
/// event, then goes on), `truncate` (half an event without its newline, then exits 0), `exit` (exits 7),
/// `overlong` (a line one byte over `WorkerEvent.maxLineBytes`, then goes on), `hog` (maps 4 GiB of
/// address space in untouched blocks, which costs almost no memory, then goes on).
public struct WorkerFault: Sendable, Equatable {
    public enum Kind: String, Sendable { case kill, hang, garbage, truncate, exit, overlong, hog }

    public let kind: Kind
    public let invocation: Int

    public static let environmentVariable = "SIMULATE_WORKER_FAULT"

    /// The faults the environment asks for; malformed entries are ignored (a test hook, not input).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [WorkerFault]
    {
        guard let text = environment[environmentVariable] else { return [] }
        return text.split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: "@")
            guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])), let n = Int(parts[1]) else {
                return nil
            }
            return WorkerFault(kind: kind, invocation: n)
        }
    }

    /// Acts if `event` is the trigger point; returns only for faults that let the worker go on.
    func act(after event: WorkerEvent, write: (String) -> Void) {
        guard event.event == .phase, event.phase?.phase == .catalogWrite, event.invocation == invocation else { return }
        switch kind {
        case .kill:
            kill(getpid(), SIGKILL)
        case .hang:
            while true { sleep(3600) }
        case .garbage:
            write("this is not an event {\"half\": \n")
        case .truncate:
            write("{\"event\":\"phase\",\"invocation\":\(invocation),\"pha")
            _exit(0)
        case .exit:
            _exit(7)
        case .overlong:
            write(String(repeating: "x", count: WorkerEvent.maxLineBytes + 1) + "\n")
        case .hog:
            // Kept reachable until the worker exits; only the address-space limit can stop it.
            for _ in 0..<16 { hogged.append(UnsafeMutableRawPointer.allocate(byteCount: 256 << 20, alignment: 16)) }
        }
    }
}

nonisolated(unsafe) private var hogged: [UnsafeMutableRawPointer] = []
