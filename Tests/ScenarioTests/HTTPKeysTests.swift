import Foundation
import Model
import Scenario
import Testing

/// The `http.*` keys: nested two levels deep in YAML, settable with `--set`, and typed in `Scenario.http`.
@Suite struct HTTPKeysTests {
    @Test func nestedEndpointKeysLoadFromYAMLAndTheCommandLine() throws {
        let yaml = """
            name: nested
            state_backend: http
            http:
              pages: 30
              sample_pages: 5
              api:
                error_rate: 0.2
                stall_rate: 0.05
                jitter: exponential
            """
        let s = try ScenarioLoader.load(
            yaml: yaml, displayName: "nested.yaml",
            overrides: [try ScenarioOverride.parseSet("http.state.drop_rate=0.1")])
        #expect(s.stateBackend == .http)
        #expect(s.http.pages == 30)
        #expect(s.http.pagesRead == 5)
        #expect(s.http.api.errorRate == 0.2)
        #expect(s.http.api.stallRate == 0.05)
        #expect(s.http.api.jitter == .exponential)
        #expect(s.http.state.dropRate == 0.1)
        #expect(s.origins["http.api.error_rate"] == "nested.yaml:7")
        #expect(s.origins["http.state.drop_rate"] == "command line (--set)")
        #expect(s.http.timeoutMilliseconds == 2000)
    }

    @Test func ratesAddingUpToMoreThanOneNameTheKeySetOnTheCommandLine() throws {
        do {
            _ = try ScenarioLoader.load(
                yaml: "name: x\nhttp:\n  state:\n    error_rate: 0.6\n", displayName: "x.yaml",
                overrides: [try ScenarioOverride.parseSet("http.state.drop_rate=0.5")])
            Issue.record("rates adding up to 1.1 were accepted")
        } catch let error as ScenarioError {
            #expect(error.description.hasPrefix("command line (--set): key 'http.state.drop_rate':"), "\(error)")
        }
    }

    @Test func everyHTTPKeyIsInTheKnobTable() {
        let names = Set(ScenarioKeys.all.map(\.name))
        for endpoint in ["api", "state"] {
            for key in ["error_rate", "stall_rate", "drop_rate", "latency_ms", "jitter_ms", "jitter"] {
                #expect(names.contains("http.\(endpoint).\(key)"))
            }
        }
        for key in [
            "pages", "sample_pages", "page_records", "record_bytes", "connect_timeout_ms", "timeout_ms", "max_retries",
            "backoff_ms", "backoff_max_ms",
        ] {
            #expect(names.contains("http.\(key)"))
        }
        #expect((try? ScenarioKeys.key(named: "state_backend")?.check(.string("http")).get()) == .string("http"))
    }
}
