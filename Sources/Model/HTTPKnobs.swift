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
        let keys = ScenarioKeys.table.http
        func endpoint(_ e: ScenarioKeys.EndpointKeys) -> Endpoint {
            Endpoint(
                errorRate: e.errorRate.value(in: values), stallRate: e.stallRate.value(in: values),
                dropRate: e.dropRate.value(in: values), latencyMilliseconds: e.latencyMilliseconds.value(in: values),
                jitterMilliseconds: e.jitterMilliseconds.value(in: values), jitter: e.jitter.value(in: values))
        }
        pages = keys.pages.value(in: values)
        samplePages = keys.samplePages.value(in: values)
        pageRecords = keys.pageRecords.value(in: values)
        recordBytes = keys.recordBytes.value(in: values)
        connectTimeoutMilliseconds = keys.connectTimeoutMilliseconds.value(in: values)
        timeoutMilliseconds = keys.timeoutMilliseconds.value(in: values)
        maxRetries = keys.maxRetries.value(in: values)
        backoffMilliseconds = keys.backoffMilliseconds.value(in: values)
        backoffMaxMilliseconds = keys.backoffMaxMilliseconds.value(in: values)
        api = endpoint(keys.api)
        state = endpoint(keys.state)
    }

    /// Pages read for real per invocation.
    public var pagesRead: Int { min(pages, samplePages) }
}
