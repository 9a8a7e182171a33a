import Model
import Scenario
import Testing

@Suite struct JobListTests {
    static let base = """
        name: jobs
        variants: [meltano-3.6.0, meltano-3.7.9]
        baseline: meltano-3.6.0
        invocations: 6
        catalog_lines: 1000
        http:
          page_records: 100
        """

    static func load(_ jobs: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
        try ScenarioLoader.load(yaml: base + "\n" + jobs, displayName: "j.yaml", overrides: overrides)
    }

    @Test func listedJobsKeepTheirOwnValuesAndFallBackToTheTopLevel() throws {
        let s = try Self.load(
            """
            jobs:
              - name: a
                runs: 4
                catalog_lines: 50000
                records: 250
                assumed:
                  start_seconds: 2
              - name: b
                runs: 2
            """)
        #expect(s.jobs == 2)
        #expect(s.productionRuns == 6)
        #expect(s.workloadJobs.map(\.catalogLines) == [50_000, 1000])
        #expect(s.workloadJobs[0].pages == 3)
        #expect(s.workloadJobs[0].assumedSeconds[0] == 2)
        #expect(s.workloadJobs[1].assumedSeconds[0] == ScenarioKeys.table.assumedStartSeconds.defaultValue)
        // Assumed seconds per run: the jobs' own, weighted by runs.
        let start = s.assumedSeconds[0].seconds
        #expect(abs(start - (4 * 2 + 2 * 4) / 6) < 1e-9)
        #expect(s.jobAllocation.invocations == [4, 2])
    }

    @Test func commandLineKnobsMoveEveryJob() throws {
        let s = try Self.load(
            "jobs:\n  - {name: a, runs: 1, catalog_lines: 5}\n  - {name: b, runs: 1}",
            overrides: [try ScenarioOverride.parseSet("catalog_lines=7")])
        #expect(s.workloadJobs.map(\.catalogLines) == [7, 7])
        let again = try s.applying([try ScenarioOverride.parseSet("catalog_lines=9")])
        #expect(again.workloadJobs.map(\.catalogLines) == [9, 9])
        #expect(again.jobEntries?.count == 2)
    }

    @Test(arguments: [
        ("jobs:\n  - {name: a}", "j.yaml:9", "jobs[0].runs", "missing"),
        ("jobs:\n  - {name: a, runs: 0}", "j.yaml:9", "jobs[0].runs", "1"),
        ("jobs:\n  - {name: a, runs: 1, seed: 3}", "j.yaml:9", "jobs[0].seed", "unknown key"),
        ("jobs:\n  - {name: a, runs: 1}\n  - {name: a, runs: 2}", "j.yaml:10", "jobs[1].name", "listed twice"),
        ("jobs: []", "j.yaml:8", "jobs", "empty"),
        ("production:\n  runs: 5\njobs:\n  - {name: a, runs: 1}", "j.yaml:9", "production.runs", "add up to 1"),
    ])
    func badListsNameTheLineAndKey(yaml: String, location: String, key: String, problem: String) throws {
        do {
            _ = try Self.load(yaml)
            Issue.record("loaded: \(yaml)")
        } catch let error as ScenarioError {
            #expect(error.location == location, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test func fewerInvocationsThanJobsSimulateTheJobsWithTheMostRuns() throws {
        let s = try Self.load(
            "jobs:\n" + (0..<8).map { "  - {name: j\($0), runs: \($0 + 1)}" }.joined(separator: "\n"))
        #expect(s.jobAllocation.unsimulatedJobs == 2)
        #expect(s.jobAllocation.invocations == [0, 0, 1, 1, 1, 1, 1, 1])
        // The six simulated jobs' runs-weighted mean, over the invocations.
        let perJob = (0..<8).map(Double.init)
        let mean =
            (0..<6).map { perJob[s.jobAllocation.job(ofOrdinal: $0)] * s.jobAllocation.weight(ofOrdinal: $0) }
            .reduce(0, +) / 6
        let expected = (2..<8).reduce(0.0) { $0 + Double($1 + 1) * perJob[$1] } / Double((3...8).reduce(0, +))
        #expect(abs(mean - expected) < 1e-9)
    }

    @Test func theListCannotBeResizedFromTheCommandLine() throws {
        #expect(throws: ScenarioError.self) {
            try Self.load("jobs:\n  - {name: a, runs: 1}", overrides: [try ScenarioOverride.parseSet("jobs=3")])
        }
    }

    @Test func renamedAssumedKeysStillLoad() throws {
        let s = try Self.load("assumed:\n  cli_start_seconds: 3\n  extract_seconds: 40")
        #expect(s[\.assumedStartSeconds] == 3)
        #expect(s[\.assumedExtractionSeconds] == 40)
    }
}
