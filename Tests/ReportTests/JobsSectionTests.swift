import Analysis
import Foundation
import Model
import Testing

@testable import Report

/// The Jobs section's fold: a variant beyond noise gets a column, one within noise (its interval
/// includes 0) or one that changes no job gets a single line instead.
struct JobsSectionTests {
    static let twoJobs = """
        catalog_sample_lines: 10
        production:
          period: 1 day
        jobs:
          - {name: orders, runs: 2, catalog_lines: 100, state_messages: 1, records: 0}
          - {name: customers, runs: 2, catalog_lines: 100, state_messages: 1, records: 0}
        """

    static func summary() throws -> RunSummary {
        typealias R = SyntheticRuns
        return try R.summary(
            [
                ("meltano-3.6.0", [0.049, 0.051, 0.05, 0.05].map { R.plain(catalogSeconds: $0) }),
                ("meltano-3.7.9", [2.0, 2.02, 1.98, 2.0].map { R.plain(settingsSeconds: 0.1 + $0) }),
                ("persistent", [0.01, 0.01, 0.2, 0.2].map { R.plain(catalogSeconds: $0) }),
                ("meltano-4.1", [0.049, 0.051, 0.05, 0.05].map { R.plain(catalogSeconds: $0) }),
            ], workload: twoJobs)
    }

    @Test func aVariantBeyondNoiseIsAColumnTheOthersOneLine() throws {
        let s = try Self.summary()
        let interval = { (name: String) in s.variants.first { $0.name == name }?.regressionMinutes }
        let persistent = try #require(interval("persistent"))
        #expect(persistent.low <= 0 && persistent.high >= 0, "the fixture's spread variant is within noise")
        let regressed = try #require(interval("meltano-3.7.9"))
        #expect(regressed.low > 0)

        let section = JobsSection.render(s)
        #expect(section.contains("## Jobs"))
        #expect(section.contains("| meltano-3.7.9 Δ min |"), "\(section)")
        #expect(!section.contains("persistent Δ min") && !section.contains("meltano-4.1 Δ min"), "\(section)")
        #expect(section.contains("`persistent`, `meltano-4.1` change the workload within noise"), "\(section)")
        #expect(section.contains("| orders | 2 | 2 |") && section.contains("| customers | 2 | 2 |"), "\(section)")
    }

    @Test func withNothingBeyondNoiseOnlyTheBaselineColumnIsLeft() throws {
        typealias R = SyntheticRuns
        let s = try R.summary(
            [
                ("meltano-3.6.0", [0.049, 0.051, 0.05, 0.05].map { R.plain(catalogSeconds: $0) }),
                ("meltano-4.1", [0.049, 0.051, 0.05, 0.05].map { R.plain(catalogSeconds: $0) }),
            ], workload: Self.twoJobs)
        let section = JobsSection.render(s)
        #expect(section.contains("`meltano-4.1` changes the workload within noise"), "\(section)")
        #expect(!section.contains("Δ min"), "\(section)")
    }

    @Test func aSingleJobWorkloadHasNoJobsSection() throws {
        #expect(JobsSection.render(try SyntheticRuns.scansExplain()).isEmpty)
    }
}
