/// The scenario's `http.*` knobs, typed: the extraction's pages, the client's timeouts and
/// retries, and each endpoint family's faults. The coordinator turns them into the HTTP room's
/// server and client settings (Scenario does not depend on that room).
public struct HTTPKnobs: Sendable, Equatable {
    /// Faults and latency of one endpoint family (`http.api.*` or `http.state.*`).
    public struct Endpoint: Sendable, Equatable {
        public var errorRate: Double
        public var stallRate: Double
        public var dropRate: Double
        public var latencyMilliseconds: Double
        public var jitterMilliseconds: Double
        public var jitter: JitterShape
    }

    public var pages: Int
    public var samplePages: Int
    public var pageRecords: Int
    public var recordBytes: Int
    public var connectTimeoutMilliseconds: Int
    public var timeoutMilliseconds: Int
    public var maxRetries: Int
    public var backoffMilliseconds: Double
    public var backoffMaxMilliseconds: Double
    public var api: Endpoint
    public var state: Endpoint

    public init(values: [String: ScenarioValue]) {
        func int(_ k: String) -> Int { values["http." + k]?.intValue ?? 0 }
        func dbl(_ k: String) -> Double { values["http." + k]?.doubleValue ?? 0 }
        func endpoint(_ name: String) -> Endpoint {
            Endpoint(
                errorRate: dbl("\(name).error_rate"), stallRate: dbl("\(name).stall_rate"),
                dropRate: dbl("\(name).drop_rate"),
                latencyMilliseconds: dbl("\(name).latency_ms"), jitterMilliseconds: dbl("\(name).jitter_ms"),
                jitter: JitterShape(rawValue: values["http.\(name).jitter"]?.stringValue ?? "") ?? .uniform)
        }
        pages = int("pages")
        samplePages = int("sample_pages")
        pageRecords = int("page_records")
        recordBytes = int("record_bytes")
        connectTimeoutMilliseconds = int("connect_timeout_ms")
        timeoutMilliseconds = int("timeout_ms")
        maxRetries = int("max_retries")
        backoffMilliseconds = dbl("backoff_ms")
        backoffMaxMilliseconds = dbl("backoff_max_ms")
        api = endpoint("api")
        state = endpoint("state")
    }

    /// Pages read for real per invocation.
    public var pagesRead: Int { min(pages, samplePages) }
}
