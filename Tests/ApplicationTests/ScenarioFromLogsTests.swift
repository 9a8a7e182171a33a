import Foundation
import Logs
import Model
import Scenario
import Testing
import Yams

@testable import Application

/// The catalog fit and the scenario written from the Matatika logs.
@Suite struct ScenarioFromLogsTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func log(_ name: String) throws -> LogFileTimeline {
        let path = repository.appendingPathComponent("scenarios/matatika-logs/\(name)").path
        return try LogFileTimeline.read(path: path, name: name)
    }

    static let ok = "OK-c0b5a778-1bb7-4343-8c62-02ae0f8d1ed5.txt"
    static let slow = "SLOW-f78c1b80-9431-4a29-98d7-439f20cf2833.txt"

    static func profile(_ name: String) throws -> ReleaseProfile {
        let url = repository.appendingPathComponent("scenarios/profiles/\(name).json")
        return try ReleaseProfileFiles.load(url).profile
    }

    static func costs() throws -> CostProfile {
        try CostProfile.load(path: repository.appendingPathComponent("scenarios/costs/cpython-public.json").path)
    }

    static func maker(
        regressed: Bool = true, regressedRelease: String? = "meltano-3.7.9", overrides: [String: ScenarioValue] = [:]
    ) throws -> ScenarioFromLogs {
        try ScenarioFromLogs(
            baseline: ObservedWorkload([log(ok)]), regressed: regressed ? ObservedWorkload([log(slow)]) : nil,
            baselineRelease: profile("meltano-3.6.0"), regressedRelease: regressedRelease.map(profile), costs: costs(),
            overrides: overrides, name: "m", command: "simulate scenario ...",
            baselineLogPaths: ["logs/\(ok)"], regressedLogPaths: regressed ? ["logs/\(slow)"] : [])
    }

    @Test func theFitIsTheDeltaOverThePerLineDifference() {
        let fit = CatalogFit(baselineLineMicroseconds: 6.7, regressedLineMicroseconds: 246)
        // 9.08 min of pre-plugin delta over the workload: about 2.28 million lines in all.
        #expect(fit.lines(baselineSeconds: 10, regressedSeconds: 10 + 239.3) == .fitted(1_000_000))
        #expect(fit.lines(baselineSeconds: 10, regressedSeconds: 9) == .notPositive(-1))
        #expect(fit.lines(baselineSeconds: nil, regressedSeconds: 9) == .unknownPhase)
        let same = CatalogFit(baselineLineMicroseconds: 6.7, regressedLineMicroseconds: 6.7)
        #expect(same.lines(baselineSeconds: 1, regressedSeconds: 100) == .sameMode)
        #expect(same.lines(baselineSeconds: 1, regressedSeconds: 100).undeterminedReason != nil)
    }

    @Test func assumedSecondsSubtractTheCatalogWriteAndClampAtZero() throws {
        let job = try #require(ObservedWorkload([Self.log(Self.ok)]).jobs.first)
        let assumed = AssumedSeconds(job: job, catalogLines: 1_000_000, lineMicroseconds: 6.7)
        let observed = try #require(job.phases[.prePlugin]?.median)
        #expect(abs((assumed.seconds[.prePlugin] ?? -1) - max(0, observed - 6.7)) < 0.01)
        #expect(abs((assumed.seconds[.extraction] ?? -1) - (job.phases[.extraction]?.median ?? 0)) < 0.01)
        let clamped = AssumedSeconds(job: job, catalogLines: 100_000_000, lineMicroseconds: 6.7)
        #expect(clamped.seconds[.prePlugin] == 0)
        #expect(clamped.clamped == [.prePlugin])
    }

    @Test func matatikaFitSumsToThePrePluginDelta() throws {
        let maker = try Self.maker()
        let jobs = maker.fittedJobs()
        #expect(jobs.count == 9)
        let before = try ObservedWorkload([Self.log(Self.ok)])
        let after = try ObservedWorkload([Self.log(Self.slow)])
        var delta = 0.0
        for job in before.jobs {
            delta += (after.job(job.name)?.phases[.prePlugin]?.median ?? 0) - (job.phases[.prePlugin]?.median ?? 0)
        }
        let fitted = jobs.filter { if case .fitted = $0.catalog { return true } else { return false } }
        #expect(!fitted.isEmpty)
        // Every job slower in pre-plugin: the fitted lines × (246 − 6.7) µs give the whole delta back.
        if fitted.count == jobs.count {
            let lines = Double(fitted.reduce(0) { $0 + $1.catalogLines })
            #expect(abs(lines * (246 - 6.7) / 1e6 - delta) < 1)
        }
    }

    @Test func theDocumentParsesAsYAMLWithAJobsList() throws {
        let (document, _) = try Self.maker().make()
        let text = ScenarioWriter.render(document)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(root["jobs"] as? [[String: Any]])
        #expect(jobs.count == 9)
        let first = try #require(jobs.first)
        #expect(
            first["name"] as? String
                == "dev:mysql-bigdb_prd9_ci_leadplatform-to-target-snowflake:bigdb_prd9_ci_leadplatform")
        #expect(first["runs"] as? Int == 1)
        #expect((first["catalog_lines"] as? Int ?? 0) > 0)
        #expect(first["records"] as? Int == 42305)
        let assumed = try #require(first["assumed"] as? [String: Any])
        #expect(Set(assumed.keys) == Set(LogPhase.allCases.map { String($0.assumedKey.dropFirst(8)) }))
        let production = try #require(root["production"] as? [String: Any])
        #expect(production["runs"] as? Int == 9)
        #expect((production["period"] as? String)?.hasPrefix("13 min") == true)
        #expect(root["variants"] as? [String] == ["meltano-3.6.0", "meltano-3.7.9"])
        #expect(root["baseline"] as? String == "meltano-3.6.0")
        #expect(root["invocations"] as? Int == 18)
        #expect(root["state_backend"] as? String == "systemdb")
        let observed = try #require(root["observed"] as? [String: Any])
        #expect(observed["baseline_logs"] as? [String] == ["logs/\(Self.ok)"])
        #expect(observed["regressed_variant"] as? String == "meltano-3.7.9")
        #expect(root["packages"] as? Int == ScenarioKeys.table.packages.defaultValue)
        #expect(text.hasPrefix("# Made from Meltano logs"))
    }

    @Test func withoutRegressedLogsTheCatalogIsTheDefaultOrSet() throws {
        let (document, _) = try Self.maker(
            regressed: false, regressedRelease: nil, overrides: ["catalog_lines": .int(1234), "seed": .int(7)]
        )
        .make()
        let text = ScenarioWriter.render(document)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(root["jobs"] as? [[String: Any]])
        #expect(jobs.allSatisfy { $0["catalog_lines"] as? Int == 1234 })
        #expect(root["seed"] as? Int == 7)
        #expect(root["variants"] as? [String] == ["meltano-3.6.0", "meltano-3.7.9"])
        #expect(root["observed"].flatMap { ($0 as? [String: Any])?["regressed_logs"] } == nil)
        #expect(text.contains("not determined by the logs (no --regressed logs)"))
    }

    @Test func releasesWritingTheCatalogAlikeDetermineNoCatalog() throws {
        let maker = try Self.maker(regressedRelease: "meltano-3.9.2", overrides: ["catalog_lines": .int(5000)])
        let (document, warnings) = try maker.make()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("do not determine any job's catalog size") == true)
        let text = ScenarioWriter.render(document)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(root["jobs"] as? [[String: Any]])
        #expect(jobs.allSatisfy { $0["catalog_lines"] as? Int == 5000 })
        #expect(text.contains("not determined by the logs: both releases write the catalog the same way"))
    }

    @Test func aJobInOnlyOneSetNamesItsFirstRun() throws {
        let lines = try String(
            contentsOfFile: Self.repository.appendingPathComponent("scenarios/matatika-logs/\(Self.slow)").path,
            encoding: .utf8
        ).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let end = try #require(lines.firstIndex { $0.contains("Block run completed") })
        let fewer = LogFileTimeline.parse(Array(lines.prefix(end + 1).joined(separator: "\n").utf8), name: "one.log")
        var maker = try Self.maker()
        maker.regressed = try ObservedWorkload([fewer])
        let error = #expect(throws: ObservedWorkloadError.self) { try maker.make() }
        #expect(error?.location.hasPrefix("\(Self.ok):") == true)
        #expect(error?.problem.contains("bigdb_prd9_sugarcrm") == true)
    }

    @Test func relativePathsFromTheOutputFolder() {
        let cwd = URL(fileURLWithPath: "/a/b")
        #expect(
            PathDisplay.relativePath(of: "logs/x.log", from: URL(fileURLWithPath: "/a/b/out"), currentDirectory: cwd)
                == "../logs/x.log")
        #expect(PathDisplay.relativePath(of: "x.log", from: cwd, currentDirectory: cwd) == "x.log")
    }
}
