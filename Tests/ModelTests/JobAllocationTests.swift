import Model
import Testing

@Suite struct JobAllocationTests {
    @Test func alikeJobsRunRoundRobinWithWeightOne() throws {
        let a = try #require(JobAllocation(runs: Array(repeating: 1, count: 9), invocations: 18))
        #expect((0..<18).map { a.job(ofOrdinal: $0) } == (0..<18).map { $0 % 9 })
        #expect(a.isUniform)
    }

    @Test func sharesFollowRunsAndWeightsRestoreThem() throws {
        let runs = [168, 14, 7, 1]
        let a = try #require(JobAllocation(runs: runs, invocations: 20))
        #expect(a.invocations.reduce(0, +) == 20)
        #expect(a.invocations.allSatisfy { $0 >= 1 })
        #expect(a.invocations[0] > a.invocations[1])
        // The mean of weighted values over all invocations is the runs-weighted mean of the jobs'.
        let perJob = [10.0, 20.0, 30.0, 40.0]
        let weighted = (0..<20).map { k in perJob[a.job(ofOrdinal: k)] * a.weight(ofOrdinal: k) }
        let expected = zip(runs, perJob).reduce(0) { $0 + Double($1.0) * $1.1 } / Double(runs.reduce(0, +))
        #expect(abs(weighted.reduce(0, +) / 20 - expected) < 1e-9)
        #expect(!a.isUniform)
    }

    @Test func fewerInvocationsThanJobsIsRefused() {
        #expect(JobAllocation(runs: [1, 1, 1], invocations: 2) == nil)
    }
}
