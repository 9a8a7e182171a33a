import Foundation
import Model
import Pipeline
import XCTest

/// The SQLite and JSON units pad the work where it happens, by the statements actually counted,
/// and `--cache cold` drops the environment's pages before every scan without timing the drop.
final class PaddingTests: XCTestCase {
    func testStateWritesArePaddedByTheirCountedStatementsAndJSON() throws {
        // Large unit costs so the padding, a lower bound by construction, dominates the native time.
        let fixture = try PipelineFixture(
            variants: ["meltano-4.1"], stateMessages: 2,
            costs: profile([.sqliteStatement: 3_000, .jsonState: 5_000]))
        let outcome = try fixture.run("meltano-4.1")
        XCTAssertTrue(outcome.succeeded)
        let write = try XCTUnwrap(fixture.phases(of: 0)[.stateWrites])
        // Two sampled messages, each: UPDATE runs.payload + SELECT, DELETE, INSERT (4 counted statements) and one JSON unit.
        let floorNs = UInt64(2 * (4 * 3_000 + 5_000)) * 1_000
        XCTAssertGreaterThanOrEqual(write.modelledNs, floorNs)
        XCTAssertLessThan(write.nativeNs, write.modelledNs, "the padding is not counted as native time")
        let bookkeeping = try XCTUnwrap(fixture.phases(of: 0)[.bookkeeping])
        XCTAssertGreaterThanOrEqual(
            bookkeeping.modelledNs, UInt64(3 * 3_000) * 1_000, "mark stale, running count, insert")
    }

    func testWithoutSQLiteUnitsNothingIsPadded() throws {
        let fixture = try PipelineFixture(
            variants: ["meltano-4.1"], stateMessages: 2, costs: profile([.scanPerDistribution: 1]))
        try fixture.run("meltano-4.1")
        let write = try XCTUnwrap(fixture.phases(of: 0)[.stateWrites])
        XCTAssertEqual(write.modelledNs, write.nativeNs)
    }

    func testColdCacheDropsPagesBeforeEveryScanAndUsesTheColdUnits() throws {
        let fixture = try PipelineFixture(
            variants: ["uncached"], packages: 30,
            costs: profile([.scanPerDistribution: 1, .scanColdPerDistribution: 400]))
        fixture.batch.discovery.cacheMode = .cold
        let outcome = try fixture.run("uncached")
        let eviction = try XCTUnwrap(outcome.coldCache)
        XCTAssertEqual(
            eviction.files, outcome.discovery.scans * 30 * 2 + outcome.discovery.scans * ((30 + 2) / 4),
            "METADATA and RECORD of every distribution, entry_points.txt of a quarter, once per scan")
        XCTAssertEqual(eviction.failed, 0)
        let settings = try XCTUnwrap(fixture.phases(of: 0)[.settings])
        XCTAssertEqual(settings.scans, 1)
        XCTAssertGreaterThanOrEqual(settings.scanModelledNs, UInt64(400 * 30) * 1_000, "padded to the cold slope")

        let warm = try PipelineFixture(variants: ["uncached"], packages: 30, costs: profile([.scanPerDistribution: 1]))
        XCTAssertNil(try warm.run("uncached").coldCache)
    }
}
