import HTTP
import Model

/// Step 5: the tap's extraction: pages of its selected streams, read for real over HTTP.
struct ExtractStep: InvocationStep {
    /// Nil when the run has no HTTP server: nothing is extracted.
    let http: HTTPWork?
    let clients: HTTPClientProvider

    var phase: Phase { .pages }

    func runs(for run: InvocationState) -> Bool {
        run.succeeded && (http?.pages ?? 0) > 0
    }

    func units(for run: InvocationState) -> StepUnits {
        StepUnits(done: http?.pagesRead ?? 0, production: http?.pages ?? 0)
    }

    func perform(_ run: InvocationState, prepared: Void) throws {
        let client = try clients.client()
        let streams = 1 + run.spec.ordinal % 49
        for i in 0..<(http?.pagesRead ?? 0) {
            let path = "/api/stream-\(i % streams)/records?page=\(i / streams)"
            let page = try client.send("GET", path, key: "api/o\(run.spec.ordinal)/p\(i)")
            guard page.status == 200, page.headers["x-record-count"] != nil else {
                throw HTTPCallFailed(cause: nil, attempts: 1, message: "GET \(path): HTTP \(page.status)")
            }
        }
    }
}
