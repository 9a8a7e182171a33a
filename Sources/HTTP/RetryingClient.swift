import Foundation
import Model

/// A call that did not get a usable answer: retries ran out, or the failure cannot be retried.
public struct HTTPCallFailed: Error, Sendable, CustomStringConvertible {
    /// The last attempt's cause; nil when not retryable.
    public let cause: RetryCause?
    public let attempts: Int
    public let message: String

    public init(cause: RetryCause?, attempts: Int, message: String) {
        self.cause = cause
        self.attempts = attempts
        self.message = message
    }

    public var description: String {
        "\(message) (\(cause?.rawValue ?? "not retryable") after \(attempts) attempt\(attempts == 1 ? "" : "s"))"
    }
}

/// The HTTP client of one worker: one reused curl handle (keep-alive), connect and total
/// timeouts, and capped exponential backoff on 5xx, timeouts, resets and refused connections,
/// every attempt and retry counted.
///
/// `@unchecked Sendable`: it belongs to one worker thread, like the curl handle inside it; it is
/// only marked so that the state store holding it can be a `StateStore`.
public final class RetryingClient: @unchecked Sendable {
    /// Header naming each attempt, from which the server derives its seeded fault decision.
    public static let keyHeader = "X-Simulate-Key"

    public let settings: ClientSettings
    let handle: CurlHandle
    /// Sleeps for the given milliseconds; tests replace it to see the backoff without waiting.
    let sleep: (Double) -> Void
    /// What this client did since the last `takeCounters()`.
    public private(set) var counters = HTTPCounters()

    public init(settings: ClientSettings, sleep: ((Double) -> Void)? = nil) throws {
        self.settings = settings
        self.handle = try CurlHandle(timeouts: settings.timeouts)
        self.sleep =
            sleep ?? { milliseconds in
                if milliseconds > 0 { usleep(useconds_t(min(milliseconds * 1000, Double(UInt32.max)))) }
            }
    }

    /// Returns the counters so far and starts new ones (one set per phase).
    public func takeCounters() -> HTTPCounters {
        defer { counters = HTTPCounters() }
        return counters
    }

    /// Sends `method path` until it gets an answer that is not 5xx, retrying per the policy.
    ///
    /// Any non-5xx status is returned (callers decide what 404 or 412 mean). `key` names the call
    /// for the server's fault decision; each attempt sends `key/a<n>`.
    public func send(_ method: String, _ path: String, key: String, headers: [String] = [], body: [UInt8]? = nil) throws
        -> ClientResponse
    {
        counters.calls += 1
        let url = settings.baseURL + path
        var attempt = 0
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            var cause: RetryCause?
            var message: String
            counters.requests += 1
            counters.bytesSent += body?.count ?? 0
            do {
                let response = try handle.perform(
                    method: method, url: url,
                    headers: headers + ["\(Self.keyHeader): \(key)/a\(attempt)"], body: body)
                record(started: started)
                counters.bytesReceived += response.body.count
                guard let retryable = RetryPolicy.cause(status: response.status) else { return response }
                cause = retryable
                message = "\(method) \(path): HTTP \(response.status)"
            } catch let error as CurlError {
                record(started: started)
                cause = RetryPolicy.cause(failure: error.failure)
                message = error.description
            }
            guard let retryCause = cause, attempt < settings.retry.maxRetries else {
                counters.failures.add(cause)
                throw HTTPCallFailed(cause: cause, attempts: attempt + 1, message: message)
            }
            counters.retries.add(retryCause)
            let delay = settings.retry.delayMilliseconds(beforeRetry: attempt)
            let before = DispatchTime.now().uptimeNanoseconds
            sleep(delay)
            counters.backoffMicroseconds += (DispatchTime.now().uptimeNanoseconds - before) / 1000
            attempt += 1
        }
    }

    private func record(started: UInt64) {
        let micros = (DispatchTime.now().uptimeNanoseconds - started) / 1000
        counters.latencyMicroseconds.append(UInt32(min(micros, UInt64(UInt32.max))))
        counters.connectionsOpened += handle.connectionsOpenedByLastRequest
    }
}
