import Discovery
import Environment
import Foundation
import Model
import Testing

@Suite struct StrategyCountTests {
    // The script: L = 3 lookups, E = 4 backends() calls, I = 3 used objects, G = 2 groups.
    static let expected: [DiscoveryStrategy: (first: Int, second: Int)] = [
        .staticEnum: (0, 0),
        .uncached: (7, 7),  // L + E
        .perInstance: (3, 3),  // I
        .perProcess: (2, 2),  // G
        .persistent: (1, 0),  // 1 on a new environment, 0 while unchanged
        .persistentStrict: (1, 0),
        .stevedore: (1, 0),
    ]

    @Test(arguments: DiscoveryStrategy.allCases)
    func scansPerInvocationMatchTheTable(strategy: DiscoveryStrategy) throws {
        let fixture = try Fixture()
        let want = try #require(Self.expected[strategy])
        for (index, expectedScans) in [want.first, want.second].enumerated() {
            let session = fixture.session(strategy)  // a new process lifetime each time
            let outcome = runScript(session)
            let counters = session.counters
            #expect(counters.scans == expectedScans, "session \(index + 1)")
            #expect(counters.lookups == 3 && counters.backendsCalls == 4)
            #expect(counters.addonObjects == 3 && counters.groupsTouched == 2)
            #expect(outcome.lookups == [nil, nil])
            #expect(outcome.backends.allSatisfy { $0 == ["systemdb", "azure", "file", "gs", "s3"] })
            #expect(outcome.settingFound == (strategy != .staticEnum))
        }
        #expect(fixture.scans.withValue { $0 } == want.first + want.second)
    }

    @Test(arguments: DiscoveryStrategy.allCases)
    func everyStrategyResolvesTheSameBackends(strategy: DiscoveryStrategy) throws {
        let fixture = try Fixture()
        let session = fixture.session(strategy)
        let manager = session.newAddonObject()
        let s3 = session.lookup(group: MeltanoEntryPoints.stateBackendsGroup, name: "s3", via: manager)
        #expect(s3?.value == "meltano.core.state_store.s3:S3StateStoreManager")
        #expect(session.lookup(group: MeltanoEntryPoints.stateBackendsGroup, name: "systemdb", via: manager) == nil)
        #expect(session.backends(group: "no.such.group", via: manager) == [])
    }

    @Test func persistentCountsHitsMissesAndValidationStats() throws {
        let fixture = try Fixture()
        let first = fixture.session(.persistent)
        _ = runScript(first)
        #expect(first.counters.persistentMisses == 1 && first.counters.persistentHits == 0)
        // One stat before and one under the lock: O(path entries), not O(N).
        #expect(first.counters.validationStats == 2)
        let second = fixture.session(.persistent)
        _ = runScript(second)
        #expect(second.counters.persistentHits == 1 && second.counters.persistentMisses == 0)
        #expect(second.counters.validationStats == 1)

        let strict = fixture.session(.persistentStrict)
        _ = runScript(strict)
        let strictAgain = fixture.session(.persistentStrict)
        _ = runScript(strictAgain)
        #expect(strictAgain.counters.scans == 0)
        #expect(strictAgain.counters.validationStats == 1 + fixture.environment.distributionCount)
    }

    @Test func countersRoundTripThroughJSON() throws {
        let fixture = try Fixture()
        let session = fixture.session(.uncached)
        _ = runScript(session)
        let decoded = try JSONDecoder().decode(DiscoveryCounters.self, from: JSONEncoder().encode(session.counters))
        #expect(decoded == session.counters)
        #expect(DiscoveryStrategy(rawValue: "per-instance") == .perInstance)
        #expect(
            DiscoveryStrategy.allCases.map(\.rawValue)
                == [
                    "static", "uncached", "per-instance", "per-process", "persistent", "persistent-strict", "stevedore",
                ])
    }
}
