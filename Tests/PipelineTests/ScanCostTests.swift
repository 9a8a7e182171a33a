import Environment
import Foundation
import Model
import Pipeline
import TestSupport
import XCTest

/// A scan is charged for what it did: path entries visited (missing ones extra), names listed
/// (none when the process's listing is reused), distributions, and a process's first call once.
final class ScanCostTests: XCTestCase {
    let shape = EnvironmentShape(
        packageFolders: 10, modules: 5, pthFiles: 1, stdlibEntries: 30, dynloadEntries: 10, binEntries: 4,
        missingPathEntries: 1)

    func testTheFirstScanPaysItsListingsPathEntriesAndTheFirstCallOnce() throws {
        // `uncached` scans again on the error path: the second scan of the same process. A release
        // that lists nothing at import (none probed does: a test's profile) lists in its first scan.
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let path = try TestProfiles.withoutImportListing(in: folder.url)
        let fixture = try PipelineFixture(
            variants: ["\(path)+uncached"], packages: 12,
            costs: profile([
                .scanPerListedEntry: 100, .scanPerListedDistribution: 300, .scanPerPathEntry: 1_000,
                .scanPerMissingPathEntry: 4_000, .scanFirstCall: 150_000,
            ]), shape: shape)
        try fixture.run("\(TestProfiles.noImportListing)+uncached", errors: [true, false])
        let settings = try XCTUnwrap(fixture.phases(of: 0)[.settings])
        XCTAssertEqual(settings.scans, 1)
        let listed = 12 + shape.listedEntries
        let firstFloor = (100 * listed + 300 * 12 + 1_000 * 5 + 4_000 + 150_000) * 1_000
        XCTAssertGreaterThanOrEqual(settings.scanModelledNs, UInt64(firstFloor))
        let lookup = try XCTUnwrap(fixture.phases(of: 0)[.stateLookup])
        XCTAssertGreaterThanOrEqual(lookup.scans, 1)
        let perScan = lookup.scanModelledNs / UInt64(lookup.scans)
        XCTAssertGreaterThanOrEqual(perScan, UInt64((1_000 * 5 + 4_000) * 1_000), "path entries every scan")
        // Generous: a later scan lists nothing and pays no first call (150 ms), only about 9 ms.
        XCTAssertLessThan(perScan, 100_000_000, "a later scan charged the first call or the listings again")
    }

    func testMeltano3ListsAtImportSoItsFirstScanListsNothing() throws {
        // Meltano asks importlib_metadata for its own version at import: the listings are made.
        let fixture = try PipelineFixture(
            variants: ["meltano-3.7.9"], packages: 12, costs: profile([.scanPerListedEntry: 1_000_000]), shape: shape)
        try fixture.run("meltano-3.7.9")
        let settings = try XCTUnwrap(fixture.phases(of: 0)[.settings])
        XCTAssertEqual(settings.scans, 1)
        XCTAssertLessThan(settings.scanModelledNs, 1_000_000_000, "charged for listing 1 s per name")
    }

    func testColdUnitsStandForAFolderOfMetadataAndOnlyTheRestIsAdded() throws {
        // Cold a + b·N was fitted over single folders: it already holds their entry points and listings.
        let fixture = try PipelineFixture(
            variants: ["meltano-4.1"], packages: 12,
            costs: profile([
                .scanColdPerDistribution: 1_000, .scanPerEntryPoint: 1_000_000, .scanPerListedDistribution: 1_000_000,
                .scanPerListedEntry: 200, .scanPerPathEntry: 3_000,
            ]), shape: shape)
        fixture.batch.discovery.cacheMode = .cold
        try fixture.run("meltano-4.1")
        let settings = try XCTUnwrap(fixture.phases(of: 0)[.settings])
        XCTAssertEqual(settings.scans, 1)
        let others = shape.listedEntries
        XCTAssertGreaterThanOrEqual(settings.scanModelledNs, UInt64((1_000 * 12 + 200 * others + 3_000 * 4) * 1_000))
        XCTAssertLessThan(settings.scanModelledNs, 1_000_000_000, "entry points or metadata folders charged twice")
    }

    func testAProfileWithoutTheNewUnitsChargesWhatItDidBefore() throws {
        let fixture = try PipelineFixture(
            variants: ["meltano-4.1"], packages: 12,
            costs: profile([.scanFixed: 20_000, .scanPerDistribution: 1_000]), shape: shape)
        try fixture.run("meltano-4.1")
        let settings = try XCTUnwrap(fixture.phases(of: 0)[.settings])
        XCTAssertEqual(settings.scans, 1)
        XCTAssertGreaterThanOrEqual(settings.scanModelledNs, UInt64((20_000 + 1_000 * 12) * 1_000))
        XCTAssertLessThan(settings.scanModelledNs, 150_000_000, "nothing but fixed + N × per distribution")
    }
}
