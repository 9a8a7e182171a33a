/// Why an attempt is retried (and, once retries run out, why a call failed).
public enum RetryCause: String, Codable, Sendable, CaseIterable {
    /// The server answered 5xx.
    case serverError = "5xx"
    /// No answer within the total timeout (a stalled server).
    case timeout
    /// The connection was closed or reset without an answer.
    case reset
    /// The connection could not be opened.
    case connect
}

/// Capped exponential backoff: retry `5xx`, timeouts, resets and refused connections up to
/// `maxRetries` times, sleeping `min(maxDelay, baseDelay × 2^n)` before retry n (n from 0).
///
/// No random jitter: the simulator's runs must be reproducible, and on loopback there is no
/// thundering herd to spread out.
public struct RetryPolicy: Codable, Sendable, Equatable {
    public var maxRetries: Int
    public var baseDelayMilliseconds: Double
    public var maxDelayMilliseconds: Double

    public init(maxRetries: Int, baseDelayMilliseconds: Double, maxDelayMilliseconds: Double) {
        self.maxRetries = maxRetries
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
    }

    /// The pause before retry `retry` (0 for the first retry), in milliseconds.
    public func delayMilliseconds(beforeRetry retry: Int) -> Double {
        // 2^62 is past any cap; clamping the exponent keeps the multiplication finite.
        let factor = Double(UInt64(1) << UInt64(min(max(retry, 0), 62)))
        return min(maxDelayMilliseconds, baseDelayMilliseconds * factor)
    }

    /// The cause to retry for an HTTP status, or nil when the answer stands (2xx, 3xx, 4xx).
    public static func cause(status: Int) -> RetryCause? {
        (500...599).contains(status) ? .serverError : nil
    }

    /// The cause to retry for a transport failure, or nil when retrying cannot help.
    public static func cause(failure: TransportFailure) -> RetryCause? {
        switch failure {
        case .timeout: return .timeout
        case .reset: return .reset
        case .connect: return .connect
        case .other: return nil
        }
    }
}
