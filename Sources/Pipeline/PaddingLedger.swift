import Foundation
import Model

/// Padding and scans of one invocation, shared with the scan closure the discovery session calls.
final class PaddingLedger: @unchecked Sendable {
    // Only the invocation's own thread touches it (scans run synchronously inside its calls).
    var scans = 0
    var scanTiming = UnitTiming()
    var unitTiming = UnitTiming()
    /// Time spent dropping the page cache before cold scans: setup, not work, so phases leave it out.
    var excludedNs: UInt64 = 0
    /// A sampled phase's robust time for its whole sample, when it measured one (`SampleTimer`).
    var robustSampleNs: UInt64?
    /// What the drops did, summed over this invocation's scans (nil when the cache stays warm).
    var eviction: PageEviction?
    /// HTTP counters of each phase that made requests.
    var http: [Phase: HTTPCounters] = [:]
    /// Time waited for the system database's lock (busy handler and retries): not a cost of the
    /// variant, so phases leave it out and report it apart.
    var lockWaitNs: UInt64 = 0

    var paddingNs: UInt64 {
        (scanTiming.modelledNanoseconds - scanTiming.nativeNanoseconds)
            + (unitTiming.modelledNanoseconds - unitTiming.nativeNanoseconds)
    }
}
