import Foundation
import Synchronization

/// The first SIGINT, SIGTERM or SIGHUP that arrived while a `Subprocess` child ran (0: none).
private let receivedSignal = Atomic<Int32>(0)

/// Only an atomic: safe in a signal handler.
private func subprocessSignalHandler(_ number: Int32) {
    _ = receivedSignal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
}

/// SIGINT, SIGTERM and SIGHUP held while a `Subprocess` child runs. The child is in a process
/// group of its own, so a Ctrl-C at the terminal no longer reaches it: this process catches the
/// signal instead, kills the child's group, and only then ends as the signal asks.
struct SubprocessSignals {
    static let caught = [SIGINT, SIGTERM, SIGHUP]
    private let previous: [(signal: Int32, handler: sighandler_t?)]

    /// Catches the signals until `restore`; one this process was started ignoring stays ignored.
    static func intercept() -> SubprocessSignals {
        receivedSignal.store(0, ordering: .relaxed)
        let previous = caught.map { number in
            let old = signal(number, subprocessSignalHandler)
            if let old, unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(number, SIG_IGN)
            }
            return (signal: number, handler: old)
        }
        return SubprocessSignals(previous: previous)
    }

    /// The signal that arrived since `intercept`, or 0.
    var received: Int32 { receivedSignal.load(ordering: .relaxed) }

    /// Gives each signal the handling it had before.
    func restore() {
        for (number, handler) in previous { signal(number, handler) }
    }
}
