import Foundation
import Model
import XCTest

@testable import Pipeline

/// A sampled phase's time comes from the median chunk: one stalled stretch cannot inflate it.
final class SampleTimerTests: XCTestCase {
    func testOneStalledChunkDoesNotInflateTheSample() {
        var timer = SampleTimer(units: 100)
        let start = MonotonicClock.now()
        for i in 0..<100 {
            timer.unitStarted(i)
            if i == 50 { usleep(50_000) }  // a preemption in the middle of the sample
            let spin = MonotonicClock.now()
            while MonotonicClock.now() - spin < 20_000 {}  // 20 µs of work per unit
        }
        let end = MonotonicClock.now()
        let robust = timer.robustTotal(endedAt: end)
        XCTAssertGreaterThan(end - start, 50_000_000, "the wall time holds the stall")
        XCTAssertGreaterThanOrEqual(robust, 1_900_000, "100 units of at least 20 µs")
        XCTAssertLessThan(robust, 20_000_000, "the stall is not extrapolated: \(robust) ns")
    }

    func testASampleSmallerThanTheChunkCountStillCountsEveryUnit() {
        var timer = SampleTimer(units: 3)
        XCTAssertEqual(timer.chunkSize, 1)
        for i in 0..<3 {
            timer.unitStarted(i)
            usleep(1_000)
        }
        let robust = timer.robustTotal(endedAt: MonotonicClock.now())
        XCTAssertGreaterThanOrEqual(robust, 3_000_000)
    }
}
