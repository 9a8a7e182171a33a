import Foundation
import Testing

@testable import Logs

/// The timeline's seconds column is formatted by integer arithmetic; these hold it to what `%.2f`
/// prints, which it replaced.
@Suite struct TimelineSecondsTests {
    static func printf(_ micros: Int64) -> String { String(format: "%.2f", Double(micros) / 1_000_000) }

    @Test func agreesWithPrintfAroundEveryRoundingEdge() {
        for hundredths: Int64 in [0, 1, 9, 10, 99, 100, 101, 999, 1_000, 123_456, 99_999_999] {
            for offset: Int64 in [-5_001, -5_000, -4_999, -1, 0, 1, 4_999, 5_000, 5_001] {
                let micros = hundredths * 10_000 + offset
                #expect(TimelineMarkdown.seconds(micros) == Self.printf(micros), "\(micros) µs")
            }
        }
    }

    @Test func agreesWithPrintfOnRandomAndExtremeValues() {
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [.max, .min, 1 << 50, (1 << 50) - 1, (1 << 50) + 5_000, -1]
        for _ in 0..<20_000 { values.append(Int64.random(in: 0...(1 << 52), using: &generator)) }
        for micros in values {
            #expect(TimelineMarkdown.seconds(micros) == Self.printf(micros), "\(micros) µs")
        }
        #expect(TimelineMarkdown.seconds(Int64?.none) == "?")
    }
}
