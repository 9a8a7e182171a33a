import Model
import Pipeline
import Storage
import XCTest

final class InvocationTests: XCTestCase {
    func testErrorPathFailsTheRunWhenTheScenarioSaysFail() throws {
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9"], retry: false)
        let outcome = try fixture.run("meltano-3.7.9", errors: [true, false])
        XCTAssertFalse(outcome.succeeded)
        XCTAssertEqual(outcome.stateWrites, 0)
        let error = try XCTUnwrap(fixture.events.first { $0.event == .errorPath }?.errorPath)
        XCTAssertEqual(
            error.message, "No state backend found for scheme 'gcs'. Available backends: systemdb, azure, file, gs, s3")
        XCTAssertEqual(error.backendsCalls, 2, "the tap lookup raises twice")
        let db = try SystemDatabase(path: fixture.databasePath)
        XCTAssertEqual(try db.connection.queryRow("SELECT state FROM runs")?.first, .text("FAIL"))
    }

    func testRetryRecoversAndWritesState() throws {
        let fixture = try PipelineFixture(variants: ["meltano-4.1"])
        let outcome = try fixture.run("meltano-4.1", errors: [true, true])
        XCTAssertTrue(outcome.succeeded)
        XCTAssertEqual(outcome.errorPaths, 2)
        XCTAssertEqual(outcome.stateWrites, 2, "state_sample_messages")
        let messages = fixture.events.compactMap(\.errorPath?.message)
        XCTAssertTrue(
            messages.allSatisfy {
                $0.hasPrefix("No state backend found for scheme 'gcs', available backends are: systemdb")
            })
        let db = try SystemDatabase(path: fixture.databasePath)
        let state = try XCTUnwrap(db.get(stateID: "meltano-4.1:job-0"))
        XCTAssertEqual(state.writeCount, 2)
        XCTAssertEqual(try db.connection.queryRow("SELECT state FROM runs")?.first, .text("SUCCESS"))
    }

    func testEnumMessageFor360() throws {
        let fixture = try PipelineFixture(variants: ["meltano-3.6.0"])
        try fixture.run("meltano-3.6.0", errors: [true, false])
        XCTAssertEqual(fixture.events.compactMap(\.errorPath?.message).first, "'gcs' is not a valid StateBackend")
    }

    func testPhasesInMeltanoOrderWithSampledCatalogExtrapolated() throws {
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9"], catalogLines: 100)
        try fixture.run("meltano-3.7.9")
        let names = fixture.events.compactMap(\.phase?.phase)
        XCTAssertEqual(
            names, [.settings, .bookkeeping, .stateLookup, .catalogWrite, .targetStateInit, .stateWrites, .teardown])
        let catalog = try XCTUnwrap(fixture.phases(of: 0)[.catalogWrite])
        XCTAssertEqual(catalog.provenance, .sampled)
        XCTAssertEqual(catalog.units, 10)
        XCTAssertEqual(catalog.productionUnits, 100)
        XCTAssertEqual(catalog.productionModelledNs, Double(catalog.modelledNs) * 10, accuracy: 1)
    }

    func testCostProfilePadsEachThreadHopLineToItsCPythonCost() throws {
        let costs = CostProfile(
            name: "test", description: "", file: nil,
            units: ["catalog.line_thread_hop_us": .init(value: 2000, source: "test")])
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9", "meltano-3.6.0"], costs: costs)
        try fixture.run("meltano-3.7.9", index: 0)
        try fixture.run("meltano-3.6.0", index: 1)
        let hop = try XCTUnwrap(fixture.phases(of: 0)[.catalogWrite])
        XCTAssertGreaterThanOrEqual(hop.modelledNs, 10 * 2_000_000, "10 sampled lines padded to 2 ms each")
        XCTAssertLessThan(hop.nativeNs, hop.modelledNs)
        let sync = try XCTUnwrap(fixture.phases(of: 1)[.catalogWrite])
        XCTAssertLessThan(sync.modelledNs, 10 * 2_000_000, "sync lines are not padded to the hop cost")
    }

    func testAThreadHopsWaitIsAddedToItsCPUAndWaitedOffTheCPU() throws {
        let costs = CostProfile(
            name: "test", description: "", file: nil,
            units: [
                "catalog.line_thread_hop_us": .init(value: 100, source: "test"),
                "catalog.line_thread_hop_wait_us": .init(value: 2000, source: "test"),
            ])
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9", "meltano-3.6.0"], costs: costs)
        try fixture.run("meltano-3.7.9", index: 0)
        try fixture.run("meltano-3.6.0", index: 1)
        let hop = try XCTUnwrap(fixture.phases(of: 0)[.catalogWrite])
        XCTAssertGreaterThanOrEqual(
            hop.modelledNs, 10 * 2_100_000, "10 sampled lines: 0.1 ms of CPU and 2 ms of waiting each")
        let sync = try XCTUnwrap(fixture.phases(of: 1)[.catalogWrite])
        XCTAssertLessThan(sync.modelledNs, 10 * 2_000_000, "sync lines do not wait")
    }

    func testOffCPUWaitSleepsWhatIsOwedAndCarriesItsOvershoot() {
        var clock = OffCPUWait()
        let cpuBefore = MonotonicClock.threadCPU()
        let slept = (0..<10).reduce(UInt64(0)) { total, _ in total + clock.wait(nanoseconds: 2_000_000) }
        XCTAssertGreaterThanOrEqual(slept, 20_000_000, "at least what was owed, in all")
        XCTAssertLessThan(MonotonicClock.threadCPU() - cpuBefore, slept / 2, "asleep, not busy")
        // A sleep overshoots by more than a nanosecond: the next nanosecond is already paid.
        var carry = OffCPUWait()
        XCTAssertGreaterThan(carry.wait(nanoseconds: 1), 1)
        XCTAssertEqual(carry.wait(nanoseconds: 1), 0)
    }

    func testCatalogLinesAreDeterministicAndLookLikeACatalog() {
        let a = CatalogLines(streams: 3)
        let b = CatalogLines(streams: 3)
        XCTAssertEqual((0..<200).map(a.line), (0..<200).map(b.line))
        XCTAssertTrue(a.line(1).contains("tap_stream_id"))
        XCTAssertTrue((0..<200).allSatisfy { a.line($0).hasSuffix("\n") })
    }
}
