/// Counts by cause: retries taken, or calls that gave up.
public struct CauseCounts: Codable, Sendable, Equatable {
    public var serverError = 0
    public var timeout = 0
    public var reset = 0
    public var connect = 0
    /// Not retryable: a 4xx where success was required, a malformed answer, another curl error.
    public var other = 0

    public init() {}

    public var total: Int { serverError + timeout + reset + connect + other }

    public mutating func add(_ cause: RetryCause?) {
        switch cause {
        case .serverError: serverError += 1
        case .timeout: timeout += 1
        case .reset: reset += 1
        case .connect: connect += 1
        case nil: other += 1
        }
    }

    public mutating func add(_ other: CauseCounts) {
        serverError += other.serverError
        timeout += other.timeout
        reset += other.reset
        connect += other.connect
        self.other += other.other
    }
}

/// HTTP work of one phase of one invocation, as the client saw it.
public struct HTTPCounters: Codable, Sendable, Equatable {
    /// Calls the code made (a call may take several attempts).
    public var calls = 0
    /// Attempts sent: calls + retries.
    public var requests = 0
    public var retries = CauseCounts()
    /// Calls that gave up, by the last attempt's cause.
    public var failures = CauseCounts()
    /// Body bytes sent and received (headers not counted).
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Time sleeping between attempts.
    public var backoffMicroseconds: UInt64 = 0
    /// Connections curl opened (the rest of the attempts reused a kept-alive one).
    public var connectionsOpened = 0
    /// Each attempt's wall time, answered or not, in microseconds (merged into histograms later).
    public var latencyMicroseconds: [UInt32] = []

    public init() {}

    public var isEmpty: Bool { requests == 0 }

    public mutating func add(_ other: HTTPCounters) {
        calls += other.calls
        requests += other.requests
        retries.add(other.retries)
        failures.add(other.failures)
        bytesSent += other.bytesSent
        bytesReceived += other.bytesReceived
        backoffMicroseconds += other.backoffMicroseconds
        connectionsOpened += other.connectionsOpened
        latencyMicroseconds += other.latencyMicroseconds
    }
}

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
}

/// Where and how a worker talks HTTP: sent to workers inside their job.
public struct ClientSettings: Codable, Sendable, Equatable {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String
    public var timeouts: CurlTimeouts
    public var retry: RetryPolicy

    public init(baseURL: String, timeouts: CurlTimeouts, retry: RetryPolicy) {
        self.baseURL = baseURL
        self.timeouts = timeouts
        self.retry = retry
    }
}

/// The connect and total timeouts of every request made through one handle.
public struct CurlTimeouts: Codable, Sendable, Equatable {
    public var connectMilliseconds: Int
    public var totalMilliseconds: Int

    public init(connectMilliseconds: Int, totalMilliseconds: Int) {
        self.connectMilliseconds = connectMilliseconds
        self.totalMilliseconds = totalMilliseconds
    }
}
