import Foundation
import FuzzDriver
import Logs

/// Any bytes, repeated into a log of a fixed size, must go through the whole timeline (split,
/// pair with itself, Markdown and JSON) in time proportional to its size: the time per input byte
/// is measured, so an input that makes the reader super-linear is a finding (a crash artifact),
/// not a timeout.
///
/// Time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not the wall clock, so that other
/// work on a shared machine does not count. An input is a finding when, at the same size, it is
/// slower per byte than `slowFactor` times the median so far, and when doubling its size more than
/// `growthLimit`-folds its time; both are measured as the fastest of `confirmTries` to keep what
/// noise is left (caches, page faults) out. The slowest input per byte is confirmed the same way
/// before it is recorded. The counts, the median and the slowest input per byte are printed at exit,
/// on a finding before it stops, and every `statsEvery` inputs to `$FUZZ_TIMELINE_STATS` when set.
///
/// `baseBytes` is 4 KiB: at 16 KiB a release build ran a few hundred inputs a second, too few for
/// 10^6 inputs in an hour; at 4 KiB an input is still repeated many times (libFuzzer's inputs are
/// at most `-max_len` 4096 bytes, mostly far less), so work that grows with the square of the
/// repetitions still stands out against the median, and the doubling check confirms it.
let baseBytes = ProcessInfo.processInfo.environment["FUZZ_TIMELINE_BYTES"].flatMap { Int($0) } ?? (4 << 10)
let slowFactor = 10.0
let growthLimit = 3.0
let confirmTries = 5
let statsEvery = 10_000

final class Stats: @unchecked Sendable {
    var perByte: [Double] = []
    var median = 0.0
    var slowest: (nanosPerByte: Double, input: [UInt8]) = (0, [])
    var inputs = 0
    let started = nanos(CLOCK_MONOTONIC)

    func report(_ ending: String) -> String {
        let sorted = perByte.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let shown = String(decoding: slowest.input.prefix(200), as: UTF8.self).debugDescription
        let seconds = Double(nanos(CLOCK_MONOTONIC) - started) / 1e9
        let ratio = median > 0 ? slowest.nanosPerByte / median : 0
        return """
            timeline fuzz (\(ending)): \(inputs) inputs in \(String(format: "%.0f", seconds)) s, \
            median \(String(format: "%.2f", median)) ns/byte (thread CPU time, \(baseBytes)-byte logs); \
            slowest \(String(format: "%.2f", slowest.nanosPerByte)) ns/byte \
            (\(String(format: "%.1f", ratio))× the median, fastest of \(confirmTries)), \
            input of \(slowest.input.count) bytes: \(shown)

            """
    }

    /// To stderr and, when set, to `$FUZZ_TIMELINE_STATS` (replaced each time).
    func write(_ ending: String) {
        let text = report(ending)
        if ending != "so far" { FileHandle.standardError.write(Data(text.utf8)) }
        if let path = ProcessInfo.processInfo.environment["FUZZ_TIMELINE_STATS"] {
            try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

nonisolated(unsafe) let stats = Stats()

/// The input repeated (with a newline between copies) to at least `bytes` bytes.
func log(from input: [UInt8], bytes: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes + input.count + 1)
    while out.count < bytes {
        out += input
        out.append(0x0A)
    }
    return out
}

/// A clock's reading in nanoseconds.
func nanos(_ clock: clockid_t) -> UInt64 {
    var time = timespec()
    clock_gettime(clock, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Thread CPU nanoseconds per byte for the whole timeline of `bytes`, the fastest of `tries`.
func nanosPerByte(_ bytes: [UInt8], tries: Int) -> Double {
    var best = UInt64.max
    for _ in 0..<tries {
        let start = nanos(CLOCK_THREAD_CPUTIME_ID)
        let parsed = LogFileTimeline.parse(bytes, name: "fuzz.log")
        let comparison = TimelineComparison(baseline: [parsed], regressed: [parsed])
        _ = TimelineMarkdown.render(parsed)
        _ = TimelineMarkdown.render(comparison, baseline: ["a"], regressed: ["b"])
        try? TimelineDocument.write(logs: [parsed]) { _ in }  // as `simulate timeline --json` writes it
        best = min(best, nanos(CLOCK_THREAD_CPUTIME_ID) - start)
    }
    return Double(best) / Double(bytes.count)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let small = log(from: input, bytes: baseBytes)
    var perByte = nanosPerByte(small, tries: 1)
    stats.inputs += 1
    let warm = stats.perByte.count >= 200
    if perByte > stats.slowest.nanosPerByte || (warm && perByte > slowFactor * stats.median) {
        perByte = nanosPerByte(small, tries: confirmTries)  // confirm: the fastest of several
        if warm && perByte > slowFactor * stats.median {
            let large = log(from: input, bytes: 2 * baseBytes)
            let growth =
                nanosPerByte(large, tries: confirmTries) * Double(large.count) / (perByte * Double(small.count))
            if growth > growthLimit {
                stats.slowest = (perByte, input)
                stats.write("stopped on a finding")
                fatalError(
                    "super-linear: \(perByte) ns/byte, over \(slowFactor)× the median \(stats.median), "
                        + "and \(large.count) bytes take \(growth)× the time of \(small.count)")
            }
        }
    }
    stats.perByte.append(perByte)
    if perByte > stats.slowest.nanosPerByte { stats.slowest = (perByte, input) }
    if stats.perByte.count == 200 || stats.perByte.count % statsEvery == 0 {
        let sorted = stats.perByte.sorted()
        stats.median = sorted[sorted.count / 2]
        stats.write("so far")
    }
    return 0
}

atexit { stats.write("at exit") }
exit(runFuzzer(fuzzOne))
