import Discovery
import Environment
import Foundation
import Model
import TestSupport
import Testing

@Suite struct ConcurrencyTests {
    @Test(arguments: [DiscoveryStrategy.persistent, .persistentStrict])
    func threadsWithTheirOwnSessionsShareOneScan(strategy: DiscoveryStrategy) throws {
        let fixture = try Fixture(packages: 200)
        let threads = 8
        let outcomes = Locked<[ScriptOutcome]>([])
        let counters = Locked<[DiscoveryCounters]>([])
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            ready.enter()
            done.enter()
            Thread {
                let session = fixture.session(strategy)  // each thread: its own "process"
                ready.leave()
                start.wait()  // release all at once so they race for the empty cache
                let outcome = runScript(session)
                outcomes.withValue { $0.append(outcome) }
                counters.withValue { $0.append(session.counters) }
                done.leave()
            }.start()
        }
        ready.wait()
        for _ in 0..<threads { start.signal() }
        done.wait()

        #expect(fixture.scans.withValue { $0 } == 1)
        let all = counters.withValue { $0 }
        #expect(all.count == threads)
        #expect(all.map(\.persistentMisses).reduce(0, +) == 1)
        #expect(all.map(\.persistentHits).reduce(0, +) == threads - 1)
        let seen = outcomes.withValue { $0 }
        #expect(Set(seen.map(\.backends)).count == 1)
        #expect(seen.allSatisfy { $0.settingFound })
        fixture.root.remove()  // a finished thread may still hold `fixture` when the process exits
    }
}
