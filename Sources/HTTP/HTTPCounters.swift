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
