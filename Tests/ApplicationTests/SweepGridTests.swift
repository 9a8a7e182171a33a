import Model
import Report
import Testing

@testable import Application

/// A sweep's ranges and grid are sized before anything is built from them.
@Suite struct SweepGridTests {
    @Test func aRangeIsCountedBeforeItIsMade() throws {
        let axis = try #require(try SweepAxis.parse(key: "error_rate", text: "0:0.4:0.2", flag: "--error-rate"))
        #expect(axis.values == [.double(0), .double(0.2), .double(0.4)] && axis.labels == ["0", "0.2", "0.4"])
        #expect(try SweepAxis.parse(key: "packages", text: "1:1000:1")?.values.count == 1_000)
        for text in ["0:1e20:1", "0:1e308:1e-308", "-1e308:1e308:1e300", "1:1001:1"] {
            #expect(throws: ScenarioError.self, "\(text)") { try SweepAxis.parse(key: "packages", text: text) }
        }
    }

    @Test func wholeNumbersTooLargeForAnIntAreWrittenAsNumbers() throws {
        let axis = try #require(try SweepAxis.parse(key: "error_rate", text: "1e20:1e20:1"))
        #expect(axis.labels == ["1e+20"])
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

    @Test func aRangeKeepsEveryValueApartAndPrintsEachAsItReadsBack() throws {
        // Printed with %g, these four were all "1", and every cell ran with 1.
        let close = try #require(try SweepAxis.parse(key: "error_rate", text: "0.1:0.100003:0.000001"))
        #expect(close.labels == ["0.1", "0.100001", "0.100002", "0.100003"])
        #expect(Set(close.values).count == 4)
        // The sum's rounding error is not a value of its own (0.1 × 3 is 0.3).
        let tenths = try #require(try SweepAxis.parse(key: "error_rate", text: "0:0.3:0.1"))
        #expect(tenths.values == [.double(0), .double(0.1), .double(0.2), .double(0.3)])
        // An integer key's range is integers.
        #expect(try SweepAxis.parse(key: "packages", text: "10:30:10")?.values == [.int(10), .int(20), .int(30)])
    }

    /// `--systemdb postgresql://h:5432/db` in a sweep: three colon-separated parts, but no range.
    @Test func onlyANumbersValueIsReadAsARange() throws {
        #expect(try SweepAxis.parse(key: "systemdb", text: "postgresql://postgres@127.0.0.1:5432/postgres") == nil)
        let backends = try #require(
            try SweepAxis.parse(key: "systemdb", text: "sqlite,postgresql://127.0.0.1:5432/db", flag: "--systemdb"))
        #expect(backends.labels == ["sqlite", "postgresql://127.0.0.1:5432/db"])
    }

    @Test func oneValueSpelledTwiceIsRefusedNotTwoCells() throws {
        for (key, text, problem) in [
            ("error_rate", "0.1,0.10", "'0.1' and '0.10' are the same value"),
            ("packages", "10,1_0", "'10' and '1_0' are the same value"),
            ("cache", "warm,cold,warm", "'warm' is listed twice"),
        ] {
            do {
                _ = try SweepAxis.parse(key: key, text: text, flag: "--set")
                Issue.record("\(text) was not refused")
            } catch let error as ScenarioError {
                #expect(error.description == "command line (--set): key '\(key)': \(problem)")
            }
        }
    }

    @Test func theChartFindsEachCellByItsTypedValuesNotItsLabel() throws {
        let x = try #require(try SweepAxis.parse(key: "packages", text: "1_0,20"))
        let lines = try #require(try SweepAxis.parse(key: "error_rate", text: "0.10,0.100001"))
        // Cells keyed as the loaded scenario holds the values: 10 (typed `1_0`), 0.1 (typed `0.10`).
        func cell(_ packages: Int, _ rate: Double, _ minutes: Double) -> SweepReport.Cell {
            SweepReport.Cell(
                knobs: ["packages": .int(packages), "error_rate": .double(rate)], folder: "cell", complete: true,
                regression: ["v": Interval(estimate: minutes, low: minutes - 1, high: minutes + 1, level: 0.95)],
                topPhase: [:])
        }
        let cells = [cell(10, 0.1, 1), cell(10, 0.100001, 2), cell(20, 0.1, 3), cell(20, 0.100001, 4)]
        let series = SweepReport.series(
            axes: [(x.key, x.values), (lines.key, lines.values)], variant: "v", cells: cells)
        #expect(series.map(\.name) == ["error_rate = 0.1", "error_rate = 0.100001"])
        #expect(series.map { $0.points.map { $0?.estimate } } == [[1, 3], [2, 4]])
        // A value no cell holds is a gap, not the nearest label's cell.
        let other = SweepReport.series(axes: [("packages", [.int(10), .int(11)])], variant: "v", cells: cells)
        #expect(other.map { $0.points.map { $0?.estimate } } == [[1, nil]])
    }
}
