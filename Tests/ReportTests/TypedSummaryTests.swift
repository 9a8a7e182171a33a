import Analysis
import Foundation
import Model
import Report
import Scenario
import Testing

/// The report reads the run's settings as typed values through the same key declarations as the
/// scenario, from this version's summary and from one that held every value as text.
struct TypedSummaryTests {
    func set(_ s: inout RunSummary, _ key: AnyScenarioKey, _ value: ScenarioValue) throws {
        let i = try #require(s.scenario.knobs.firstIndex { $0.key == key.name })
        s.scenario.knobs[i].value = value
    }

    @Test func theReportRendersTheSummarysTypedValues() throws {
        var s = try SyntheticRuns.scansExplain()
        #expect(s[\.catalogLines] == 100 && s[\.catalogSampleLines] == 10 && s[\.productionRuns] == 9)
        var report = MarkdownReport.render(s)
        #expect(report.contains("the catalog write (10 of 100 lines written for real"))
        #expect(report.contains("over the 9-run production workload"))

        let k = ScenarioKeys.table
        try set(&s, k.catalogLines.erased, .int(4321))
        try set(&s, k.productionRuns.erased, .int(12))
        #expect(s[\.catalogLines] == 4321)
        report = MarkdownReport.render(s)
        #expect(report.contains("the catalog write (10 of 4321 lines written for real"))
        #expect(report.contains("over the 12-run production workload"))
        #expect(report.contains("| catalog_lines | `4321` |"))

        try set(&s, k.stateBackend.erased, .string("http"))
        #expect(s[\.stateBackend] == .http)
        // A summary older than a key reads the key's default.
        s.scenario.knobs.removeAll { $0.key == k.http.pages.name }
        #expect(s[\.http.pages] == k.http.pages.defaultValue)
    }

    @Test func aSummaryWithTextValuesReadsTheSameTypedValues() throws {
        let s = try SyntheticRuns.scansExplain()
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(s)) as? [String: Any])
        #expect(object["schema_version"] as? Int == RunSummary.currentSchemaVersion)
        // Schema version 2: every knob's value as text.
        object["schema_version"] = 2
        var scenario = try #require(object["scenario"] as? [String: Any])
        let knobs = try #require(scenario["knobs"] as? [[String: Any]])
        #expect(knobs.contains { $0["key"] as? String == "catalog_lines" && $0["value"] as? Int == 100 })
        scenario["knobs"] = s.scenario.knobs.map {
            ["key": $0.key, "value": $0.value.description, "origin": $0.origin]
        }
        object["scenario"] = scenario
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let old = try decoder.decode(RunSummary.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.scenario.knobs.map(\.value) == s.scenario.knobs.map(\.value))
        #expect(old[\.catalogLines] == 100 && old[\.errorRate] == 0 && old[\.variants] == s[\.variants])
        #expect(old[\.heartbeatIntervalSeconds] == 1 && old[\.workload] == .pipeline)
        #expect(MarkdownReport.render(old) == MarkdownReport.render(s))
    }
}
