import Testing

@testable import Application

/// The integrity check counts lost and unreported writes state id by state id: a loss in one job
/// is never hidden behind a surplus in another.
@Suite struct WriteTallyTests {
    @Test func aLossIsNotCancelledByASurplusElsewhere() {
        var tally = IntegrityCheck.WriteTally()
        tally.add(reported: 10, recorded: 7)  // three writes lost
        tally.add(reported: 2, recorded: 5)  // three written by a worker killed before its report
        #expect(tally.lost == 3)
        #expect(tally.unreported == 3)
    }

    @Test func matchingCountsAreClean() {
        var tally = IntegrityCheck.WriteTally()
        for n in 0..<5 { tally.add(reported: n, recorded: n) }
        #expect(tally.lost == 0 && tally.unreported == 0)
    }
}
