import Discovery
import Model
import Pipeline
import XCTest

/// Scans per invocation are a contract (docs/strategies.md): exact counts for every profile and
/// strategy, with and without the error path at each state-backend initialization.
final class ScanContractTests: XCTestCase {
    /// (objects, lookups, backends() calls, groups touched, scans) for errors at [init #1, init #2].
    typealias Expected = (objects: Int, lookups: Int, backends: Int, groups: Int, scans: Int)

    let patterns: [[Bool]] = [[false, false], [true, false], [false, true], [true, true]]

    func check(_ variant: String, _ expected: [Expected], file: StaticString = #filePath, line: UInt = #line) throws {
        for (pattern, want) in zip(patterns, expected) {
            // A fresh fixture per pattern: the persistent cache must not leak between cases.
            let fixture = try PipelineFixture(variants: [variant])
            let got = try fixture.run(variant, errors: pattern).discovery
            let label = "\(variant) errors \(pattern)"
            XCTAssertEqual(got.addonObjects, want.objects, "\(label): add-on objects", file: file, line: line)
            XCTAssertEqual(got.lookups, want.lookups, "\(label): lookups", file: file, line: line)
            XCTAssertEqual(got.backendsCalls, want.backends, "\(label): backends() calls", file: file, line: line)
            XCTAssertEqual(got.groupsTouched, want.groups, "\(label): groups", file: file, line: line)
            XCTAssertEqual(got.scans, want.scans, "\(label): scans", file: file, line: line)
        }
    }

    func testStatic360NeverScansAndItsMessageCallsNoBackends() throws {
        try check("meltano-3.6.0", [(0, 0, 0, 0, 0), (2, 2, 0, 1, 0), (1, 1, 0, 1, 0), (3, 3, 0, 1, 0)])
    }

    func testPerProcessScansOncePerGroupTouched() throws {
        // settings group always; state_backends only on the error path (systemdb short-circuits).
        let expected: [Expected] = [(1, 1, 0, 1, 1), (3, 3, 2, 2, 2), (2, 2, 1, 2, 2), (4, 4, 3, 2, 2)]
        try check("meltano-3.7.9", expected)
        try check("fix-branch", expected)
        try check("meltano-4.1", expected)
    }

    func testSeedAccountScansOncePerAddonObject() throws {
        // No systemdb short-cut: every initialization builds a manager that scans.
        try check("seed-3.7.9", [(3, 3, 0, 2, 3), (5, 5, 2, 2, 5), (4, 4, 1, 2, 4), (6, 6, 3, 2, 6)])
    }

    func testPerInstanceStrategyOnRealCallsScansPerObject() throws {
        try check("per-instance", [(1, 1, 0, 1, 1), (3, 3, 2, 2, 3), (2, 2, 1, 2, 2), (4, 4, 3, 2, 4)])
    }

    func testUncachedScansOnEveryLookupAndBackendsCall() throws {
        try check("uncached", [(1, 1, 0, 1, 1), (3, 3, 2, 2, 5), (2, 2, 1, 2, 3), (4, 4, 3, 2, 7)])
    }

    func testPersistentScansOnceThenNeverOnAnUnchangedEnvironment() throws {
        let fixture = try PipelineFixture(variants: ["persistent"])
        XCTAssertEqual(try fixture.run("persistent", index: 0, errors: [true, true]).discovery.scans, 1)
        for i in 1...4 {
            let d = try fixture.run("persistent", index: i, errors: [i % 2 == 0, true]).discovery
            XCTAssertEqual(d.scans, 0, "invocation \(i)")
            XCTAssertEqual(d.persistentHits, 1, "invocation \(i): one validated hit, then memory")
        }
    }

    func testFileBackendLooksUpItsSchemeAtBothInitializations() throws {
        let fixture = try PipelineFixture(variants: ["meltano-3.7.9"], backend: .file)
        let d = try fixture.run("meltano-3.7.9").discovery
        XCTAssertEqual(d.lookups, 3)
        XCTAssertEqual(d.scans, 2, "settings + state_backends, once each per process")
    }

    func testNoStateMessagesMeansNoTargetInitialization() throws {
        let fixture = try PipelineFixture(variants: ["seed-3.7.9"], stateMessages: 0)
        let outcome = try fixture.run("seed-3.7.9")
        XCTAssertEqual(
            outcome.discovery.addonObjects, 2, "settings + tap lookup; the target's backend is created lazily")
        XCTAssertNil(fixture.phases(of: 0)[.targetStateInit])
    }
}
