import Foundation
import Model
import Pipeline
import Synchronization

/// The first SIGINT or SIGTERM of a run (0 before it).
private let interruptRequested = Atomic<Int32>(0)
/// When it arrived (`MonotonicClock` nanoseconds).
private let firstInterruptAt = Atomic<UInt64>(0)

/// SIGINT or SIGTERM reached this process during a run. Stays set: a sweep or fit stops after the
/// run it interrupted instead of starting the next one only to interrupt it at once.
public var interruptedBySignal: Bool { interruptRequested.load(ordering: .relaxed) != 0 }

/// A run's SIGINT and SIGTERM, from the moment its workers start until its report is written.
///
/// The first asks the coordinator to stop the workers and end the run as incomplete; the report is
/// still written. Later ones are held, so that a second Ctrl-C right after the first cannot lose
/// that report, but only for `holdSeconds` after the first: past that, one more ends the process at
/// once, as the default action would (the way out if ending the run itself ever hangs).
public enum InterruptSignals {
    /// How long after the first signal later ones are held.
    public static let holdSeconds = 5

    /// The signal number of the first interrupt, or 0.
    static var requested: Int32 { interruptRequested.load(ordering: .relaxed) }

    /// Catches SIGINT and SIGTERM (call before the workers start).
    public static func install() {
        for number in [SIGINT, SIGTERM] { signal(number, interruptHandler) }
    }

    /// Gives SIGINT and SIGTERM their default action back (call once the report is written).
    public static func remove() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// Only atomics, `clock_gettime`, `signal` and `raise`: all safe in a signal handler.
private func interruptHandler(_ number: Int32) {
    let now = MonotonicClock.now()
    if interruptRequested.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged {
        firstInterruptAt.store(now, ordering: .relaxed)
        return
    }
    let first = firstInterruptAt.load(ordering: .relaxed)
    guard first != 0, now - first > UInt64(InterruptSignals.holdSeconds) * 1_000_000_000 else { return }
    signal(number, SIG_DFL)
    raise(number)
}
