import Analysis
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
