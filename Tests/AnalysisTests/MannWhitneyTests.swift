import Analysis
import Model
import Testing

@Suite struct MannWhitneyTests {
    /// A textbook example (two small groups, no ties); reference values from SciPy's
    /// `mannwhitneyu(a, b, use_continuity=True, alternative="two-sided", method="asymptotic")`.
    @Test func textbookExampleMatchesTheReference() throws {
        let r = try #require(MannWhitney.test([19, 22, 16, 29, 24], [20, 11, 17, 12]))
        #expect(r.u == 17)
        #expect(abs(r.pValue - 0.11134688653314041) < 1e-9)
        #expect(!r.significant)
    }

    @Test func tiesUseAverageRanksAndTheTieCorrection() throws {
        let r = try #require(
            MannWhitney.test([1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8], [3.3, 3.3, 9.9, 10.1, 11.2, 12.3, 4.4]))
        #expect(r.u == 15.5)
        #expect(abs(r.pValue - 0.1630243843065704) < 1e-9)
    }

    @Test func separatedSamplesAreSignificantAndIdenticalOnesAreNot() throws {
        let low = (0..<20).map { Double($0) }
        let high = (0..<20).map { Double($0) + 100 }
        #expect(try #require(MannWhitney.test(high, low)).significant)
        let same = try #require(MannWhitney.test(low, low))
        #expect(!same.significant)
        #expect(same.pValue > 0.9)
        #expect(MannWhitney.test([], low) == nil)
    }
}

/// The merge walk against the pooled-and-sorted ranking it replaced, on samples with many ties.
@Suite struct MannWhitneyMergeTests {
    static func pooled(_ a: [Double], _ b: [Double]) -> (u: Double, tieTerm: Double) {
        let pooled = (a.map { ($0, 0) } + b.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            for k in i...j { ranks[k] = Double(i + j) / 2 + 1 }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let r1 = zip(pooled, ranks).filter { $0.0.1 == 0 }.reduce(0) { $0 + $1.1 }
        return (r1 - Double(a.count) * Double(a.count + 1) / 2, tieTerm)
    }

    @Test(arguments: [1, 2, 3, 4, 5]) func agreesWithThePooledRanking(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let a = (0..<(50 + rng.nextInt(below: 300))).map { _ in Double(rng.nextInt(below: 40)) / 4 }
        let b = (0..<(1 + rng.nextInt(below: 300))).map { _ in Double(rng.nextInt(below: 60)) / 4 }
        let r = try #require(MannWhitney.test(a, b))
        #expect(r.u == Self.pooled(a, b).u)
    }

    @Test func aNaNDoesNotStallTheWalk() {
        #expect(MannWhitney.test([1, .nan, 3], [2, .nan]) != nil)
    }
}
