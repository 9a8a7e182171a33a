import Foundation
import Model
import Scenario
import Testing

@Suite struct ValidScenarioTests {
    @Test func matatikaLoadsWithItsValues() throws {
        let s = try ScenarioLoader.load(file: repositoryScenario("matatika"), displayName: "scenarios/matatika.yaml")
        #expect(s.file == "scenarios/matatika.yaml")
        #expect(s.name == "matatika")
        #expect(s.description.hasPrefix("9 jobs, 9 runs in 13 min"))
        #expect(s.workload == .pipeline)
        #expect(
            s.variants.map(\.name) == [
                "meltano-3.6.0", "meltano-3.7.9", "seed-3.7.9", "fix-branch", "meltano-4.1", "persistent",
            ])
        #expect(s.baseline.name == "meltano-3.6.0")
        #expect(s.invocations == 18)
        #expect(s.workers == 2)
        #expect(s.invocationsPerProcess == 1)
        #expect(s.seed == 20_260_108)
        #expect(s.packages == 200)
        #expect(s.errorRate == 0.05)
        #expect(s.retryOnError)
        #expect(s.stateBackend == .systemdb)
        #expect(s.jobs == 9)
        // Made from the production logs (`simulate scenario --from-logs`, in the file's header).
        let jobs = s.workloadJobs
        #expect(jobs.count == 9 && jobs.allSatisfy { $0.runs == 1 })
        #expect(jobs[0].name == "dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform")
        #expect(jobs[0].stateMessages == 210)
        #expect(jobs[0].pages == 424)  // 42,305 records at 100 a page
        #expect(jobs[0].assumedSeconds == [19.47, 17.71, 106.49, 37.17, 79.75, 0.61])
        let fitted = jobs.map(\.catalogLines).reduce(0, +)
        #expect((2_200_000...2_350_000).contains(fitted), "\(fitted)")
        #expect(s.jobAllocation.isUniform)
        #expect(s.catalogLines == 255_949)
        #expect(s.catalogSampleLines == 400)
        #expect(s.stateMessages == 107)
        #expect(s.stateSampleMessages == 118)
        #expect(s.costProfile == .cpython)
        #expect(s.workerTimeoutSeconds == 300)
        #expect(s.productionRuns == 9)
        #expect(s.productionGapSeconds == 2.29)
        #expect(s.assumedSeconds.map(\.phase) == Phase.assumed)
        // One run each: the per-run assumed seconds are the jobs' plain means.
        for (a, assumed) in s.assumedSeconds.enumerated() {
            let mean = jobs.map { $0.assumedSeconds[a] }.reduce(0, +) / 9
            #expect(abs(assumed.seconds - mean) < 1e-9, "\(assumed.phase)")
        }
        #expect(s.observedBaselineMinutes == 13.01)
        #expect(s.observedRegressedMinutes == 25.54)
        #expect(s.observedRegressedVariant == "meltano-3.7.9")
        // The persistent column is meltano-3.7.9's calls with the persistent strategy.
        let persistent = try #require(s.variants.last)
        #expect(persistent.release.name == "meltano-3.7.9")
        #expect(persistent.strategy == .persistent)

        // Origins: file lines for stated keys, `default` for the rest.
        let f = "scenarios/matatika.yaml"
        #expect(s.origins["name"] == "\(f):34")
        #expect(s.origins["variants"] == "\(f):36")
        #expect(s.origins["packages"] == "\(f):176")
        #expect(s.origins["production.runs"] == "\(f):44")
        #expect(s.origins["assumed.extraction_seconds"] == "\(f):49")
        #expect(s.origins["observed.regressed_variant"] == "\(f):56")
        // The file states every key, the ones the logs do not give at their defaults.
        #expect(ScenarioKeys.all.allSatisfy { s.origins[$0.name] != "default" })
        #expect(s.heartbeatIntervalSeconds == 1)
        #expect(s.lockTimeoutSeconds == 10)
        #expect(s.sitePackages.isEmpty)
        #expect(s.commandLineOverrides.isEmpty)
    }

    @Test func smokeLoadsWithItsValuesAndDefaults() throws {
        let s = try ScenarioLoader.load(file: repositoryScenario("smoke"), displayName: "smoke.yaml")
        #expect(s.name == "smoke")
        #expect(s.workload == .pipeline)
        #expect(s.variants.map(\.name) == ["meltano-3.6.0", "meltano-3.7.9", "seed-3.7.9", "persistent"])
        #expect(s.baseline.name == "meltano-3.6.0")
        #expect(s.invocations == 3)
        #expect(s.workers == 2)
        #expect(s.seed == 7)
        #expect(s.packages == 20)
        #expect(s.errorRate == 0.3)
        #expect(s.retryOnError)
        #expect(s.jobs == 2)
        #expect(s.catalogLines == 2000)
        #expect(s.catalogSampleLines == 50)
        #expect(s.stateMessages == 10)
        #expect(s.stateSampleMessages == 5)
        #expect(s.costProfile == .native)
        #expect(s.workerTimeoutSeconds == 60)
        #expect(s.productionRuns == 3)
        #expect(s.productionGapSeconds == 1)
        #expect(s.origins["production.gap_seconds"] == "smoke.yaml:22")
        // Not in the file: defaults.
        #expect(s.invocationsPerProcess == 1)
        #expect(s.stateBackend == .systemdb)
        #expect(s.assumedSeconds.map(\.seconds) == [4, 7, 53, 7.5, 13.2, 0.4])
        #expect(s.observedBaselineMinutes == nil)
        #expect(s.observedRegressedVariant == nil)
        for key in [
            "invocations_per_process", "state_backend", "assumed.start_seconds", "assumed.extraction_seconds",
            "observed.baseline_minutes",
        ] {
            #expect(s.origins[key] == "default", "\(key)")
        }
    }

    @Test func seedMicrobenchLoadsWithItsValues() throws {
        let s = try ScenarioLoader.load(
            file: repositoryScenario("seed-microbench"), displayName: "seed-microbench.yaml")
        #expect(s.name == "seed-microbench")
        #expect(s.workload == .microbench)
        #expect(s.variants.map(\.name) == ["meltano-3.6.0", "meltano-3.7.9", "fix-branch", "seed-3.7.9"])
        #expect(s.variants.map(\.strategy) == [.staticEnum, .perProcess, .perProcess, .perInstance])
        #expect(s.invocations == 5)
        #expect(s.workers == 1)
        #expect(s.seed == 1)
        #expect(s.packages == 67)
        #expect(s.costProfile == .cpython)
        #expect(s.microbenchBackendsCalls == 50)
        #expect(s.microbenchCreations == 18)
        #expect(s.origins["microbench.backends_calls"] == "seed-microbench.yaml:14")
        #expect(s.origins["microbench.creations"] == "seed-microbench.yaml:15")
        #expect(s.productionRuns == 9)
        #expect(s.origins["production.runs"] == "default")
    }

    /// A file that states one key gets every other key's default, with origin `default`.
    @Test func defaultsFillEveryMissingKey() throws {
        let s = try ScenarioLoader.load(yaml: "name: tiny\n", displayName: "tiny.yaml")
        #expect(s.origins["name"] == "tiny.yaml:1")
        #expect(s.values["name"] == .string("tiny"))
        for key in ScenarioKeys.all where key.name != "name" {
            #expect(s.values[key.name] == key.defaultValue, "\(key.name)")
            #expect(s.origins[key.name] == "default", "\(key.name)")
        }
        #expect(Set(s.values.keys) == Set(ScenarioKeys.all.map(\.name)))
        #expect(s.variants.map(\.name) == ["meltano-3.6.0", "meltano-3.7.9"])
        #expect(s.baseline.name == "meltano-3.6.0")
        #expect(s.invocations == 9 && s.workers == 2 && s.packages == 200 && s.seed == 1)
        #expect(s.errorRate == 0 && s.retryOnError)
        #expect(s.productionRuns == 9 && s.productionGapSeconds == 2.5)
    }

    @Test func yamlSpellingsAreAccepted() throws {
        let yaml = """
            variants:
              - meltano-3.6.0
              - meltano-4.1+persistent
            packages: 1_000
            error_rate: 1
            on_error: fail
            catalog_lines: 0
            production: {runs: 2, gap_seconds: 0}
            """
        let s = try ScenarioLoader.load(yaml: yaml, displayName: "spellings.yaml")
        #expect(s.variants.map(\.name) == ["meltano-3.6.0", "meltano-4.1+persistent"])
        #expect(s.packages == 1000)
        #expect(s.errorRate == 1)
        #expect(!s.retryOnError)
        #expect(s.catalogLines == 0)
        #expect(s.productionRuns == 2)
        #expect(s.productionGapSeconds == 0)
        #expect(s.origins["production.runs"] == "spellings.yaml:8")
        #expect(s.origins["variants"] == "spellings.yaml:1")
    }

    @Test func variantListedTwiceIsRejected() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(
                yaml: "name: x\nvariants: [meltano-3.6.0, meltano-3.6.0]\n", displayName: "twice.yaml")
        }
        #expect(error.description == "twice.yaml:2: key 'variants': variant 'meltano-3.6.0' is listed twice")
    }

    @Test func emptyVariantListIsRejected() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: "variants: []\n", displayName: "none.yaml")
        }
        #expect(error.description == "none.yaml:1: key 'variants': at least one variant is needed")
    }

    @Test func keyTableIsConsistent() {
        let names = ScenarioKeys.all.map(\.name)
        #expect(Set(names).count == names.count, "duplicate key names")
        for key in ScenarioKeys.all {
            #expect(ScenarioKeys.key(named: key.name)?.name == key.name)
            #expect(!key.help.isEmpty, "\(key.name) has no help")
            guard case .success(let v) = key.check(key.defaultValue) else {
                Issue.record("default of \(key.name) fails its own check")
                continue
            }
            #expect(v == key.defaultValue, "\(key.name)")
            #expect(key.name.split(separator: ".").count <= 3, "\(key.name)")  // `http.api.error_rate` at most
        }
        #expect(ScenarioKeys.key(named: "nosuch") == nil)
        for name in [
            "error_rate", "packages", "workers", "invocations", "variants", "seed", "baseline",
            "production.runs", "assumed.extraction_seconds",
        ] {
            #expect(names.contains(name), "\(name)")
        }
    }
}
