import Testing

@testable import ProcessControl

/// The plan's order and its error decisions come from independent streams: knowing every draw of
/// the shuffle must tell nothing about which invocations meet an error.
@Suite struct RandomStreamTests {
    @Test(arguments: [UInt64(1), 7, 20_260_108])
    func errorDrawsAreNotDrawsOfThePlanOrder(seed: UInt64) {
        var order = InvocationPlan.orderStream(seed: seed)
        let shuffleDraws = Set((0..<8_192).map { _ in order.next() })
        var shared = 0
        for ordinal in 0..<2_000 {
            for initialization in 1...2
            where shuffleDraws.contains(
                InvocationPlan.errorDraw(seed: seed, ordinal: ordinal, initialization: initialization))
            {
                shared += 1
            }
        }
        #expect(shared == 0, "\(shared) error decisions reuse a draw of the plan's shuffle")
    }

    @Test func errorDecisionsFollowTheRate() {
        // 20,000 decisions at 5%: a binomial's 5σ band is about ±770 around 1,000.
        var met = 0
        for ordinal in 0..<10_000 {
            for initialization in 1...2
            where InvocationPlan.meetsError(seed: 3, ordinal: ordinal, initialization: initialization, rate: 0.05) {
                met += 1
            }
        }
        #expect((230...1_770).contains(met), "\(met) of 20000")
    }

    @Test func sameSeedSameDecisionsAndOrder() {
        var a = InvocationPlan.orderStream(seed: 42)
        var b = InvocationPlan.orderStream(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        #expect(
            InvocationPlan.errorDraw(seed: 42, ordinal: 5, initialization: 2)
                == InvocationPlan.errorDraw(seed: 42, ordinal: 5, initialization: 2))
        #expect(
            InvocationPlan.errorDraw(seed: 42, ordinal: 5, initialization: 2)
                != InvocationPlan.errorDraw(seed: 43, ordinal: 5, initialization: 2))
    }
}
