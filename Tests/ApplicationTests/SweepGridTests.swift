import Model
import Testing

@testable import Application

/// A sweep's ranges and grid are sized before anything is built from them.
@Suite struct SweepGridTests {
    @Test func aRangeIsCountedBeforeItIsMade() throws {
        let axis = try #require(try SweepAxis.parse(key: "error_rate", text: "0:0.4:0.2", flag: "--error-rate"))
        #expect(axis.values == ["0", "0.2", "0.4"])
        #expect(try SweepAxis.parse(key: "packages", text: "1:1000:1")?.values.count == 1_000)
        for text in ["0:1e20:1", "0:1e308:1e-308", "-1e308:1e308:1e300", "1:1001:1"] {
            #expect(throws: ScenarioError.self, "\(text)") { try SweepAxis.parse(key: "packages", text: text) }
        }
    }

    @Test func wholeNumbersTooLargeForAnIntAreWrittenAsNumbers() throws {
        let axis = try #require(try SweepAxis.parse(key: "error_rate", text: "1e20:1e20:1"))
        #expect(axis.values == ["1e+20"])
    }

    @Test func aGridPastTheBoundIsRefusedWithItsFlagsAndCount() throws {
        let thousand = try #require(try SweepAxis.parse(key: "packages", text: "1:1000:1", flag: "--packages"))
        let two = try #require(try SweepAxis.parse(key: "error_rate", text: "0,0.5", flag: "--set"))
        #expect(try Sweep.checkSize(of: [thousand]) == 1_000)
        do {
            try Sweep.checkSize(of: [thousand, two])
            Issue.record("a 2,000-cell grid was not refused")
        } catch let error as ScenarioError {
            #expect(
                error.description
                    == "command line (--packages, --set): the sweep grid has 2,000 cells (1,000 packages × 2 error_rate), "
                    + "over the limit of 1,000 cells")
        }
    }
}
