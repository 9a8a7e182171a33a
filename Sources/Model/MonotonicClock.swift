import Foundation

/// Nanoseconds from a monotonic clock; the one time source every measurement uses.
public enum MonotonicClock {
    @inline(__always)
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// CPU nanoseconds (user + system) the whole process has used, all its threads: `getrusage(RUSAGE_SELF)`.
    public static func processCPU() -> UInt64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func ns(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_usec) &* 1_000 }
        return ns(usage.ru_utime) &+ ns(usage.ru_stime)
    }

    /// CPU nanoseconds the calling thread has used: what padding spends.
    @inline(__always)
    public static func threadCPU() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
