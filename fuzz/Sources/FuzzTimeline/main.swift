import Foundation
import FuzzDriver
import Logs

/// Any bytes, repeated into a log of a fixed size, must go through the whole timeline (split,
/// pair with itself, Markdown and JSON) in time proportional to its size: the time per input byte
/// is measured, so an input that makes the reader super-linear is a finding (a crash artifact),
/// not a timeout.
///
/// An input is a finding when, at the same size, it is slower per byte than `slowFactor` times
/// the median so far, and when doubling its size more than `growthLimit`-folds its time; both
/// are measured as the fastest of three to keep the noise of a shared machine out. At exit the
/// counts, the median and the slowest input per byte are printed (and written to
/// `$FUZZ_TIMELINE_STATS` when set).
let baseBytes = 16 << 10
let slowFactor = 10.0
let growthLimit = 3.0

final class Stats: @unchecked Sendable {
    var perByte: [Double] = []
    var median = 0.0
    var slowest: (nanosPerByte: Double, input: [UInt8]) = (0, [])
    var inputs = 0

    func report() -> String {
        let sorted = perByte.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let shown = String(decoding: slowest.input.prefix(200), as: UTF8.self).debugDescription
        return """
            timeline fuzz: \(inputs) inputs, median \(String(format: "%.2f", median)) ns/byte; slowest \
            \(String(format: "%.2f", slowest.nanosPerByte)) ns/byte (\(String(format: "%.1f", median > 0 ? slowest.nanosPerByte / median : 0))× the median), \
            input of \(slowest.input.count) bytes: \(shown)

            """
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

/// Nanoseconds for the whole timeline of `bytes`, the fastest of `tries`.
func nanos(_ bytes: [UInt8], tries: Int) -> Double {
    var best = Double.infinity
    for _ in 0..<tries {
        let start = DispatchTime.now().uptimeNanoseconds
        let parsed = LogFileTimeline.parse(bytes, name: "fuzz.log")
        let comparison = TimelineComparison(baseline: [parsed], regressed: [parsed])
        _ = TimelineMarkdown.render(parsed)
        _ = TimelineMarkdown.render(comparison, baseline: ["a"], regressed: ["b"])
        _ = try? TimelineDocument(logs: [parsed]).encoded()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
    }
    return best
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let small = log(from: input, bytes: baseBytes)
    var perByte = nanos(small, tries: 1) / Double(small.count)
    stats.inputs += 1
    if stats.perByte.count >= 200, perByte > slowFactor * stats.median {
        perByte = nanos(small, tries: 3) / Double(small.count)  // confirm: the fastest of three
        if perByte > slowFactor * stats.median {
            let large = log(from: input, bytes: 2 * baseBytes)
            let growth = nanos(large, tries: 3) / (perByte * Double(small.count))
            if growth > growthLimit {
                fatalError(
                    "super-linear: \(perByte) ns/byte, \(slowFactor)× over the median \(stats.median), "
                        + "and twice the size takes \(growth)× the time")
            }
        }
    }
    stats.perByte.append(perByte)
    if perByte > stats.slowest.nanosPerByte { stats.slowest = (perByte, input) }
    if stats.perByte.count == 200 || stats.perByte.count % 10_000 == 0 {
        let sorted = stats.perByte.sorted()
        stats.median = sorted[sorted.count / 2]
    }
    return 0
}

atexit {
    let text = stats.report()
    FileHandle.standardError.write(Data(text.utf8))
    if let path = ProcessInfo.processInfo.environment["FUZZ_TIMELINE_STATS"] {
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
exit(runFuzzer(fuzzOne))
