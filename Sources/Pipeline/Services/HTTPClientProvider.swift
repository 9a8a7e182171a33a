import HTTP
import Model

/// The worker's HTTP client: one (one curl handle, kept alive) for every invocation, made on first use.
final class HTTPClientProvider {
    /// Where the server is and how to talk to it; nil when the run has no server.
    let settings: ClientSettings?
    /// The client, once made.
    private(set) var existing: RetryingClient?

    init(settings: ClientSettings?) {
        self.settings = settings
    }

    /// The client, made on first use.
    func client() throws -> RetryingClient {
        if let existing { return existing }
        guard let settings else {
            throw PipelineError("the job has no HTTP server for the http state backend")
        }
        let made = try RetryingClient(settings: settings)
        existing = made
        return made
    }
}
