import Environment
import Foundation
import Model

/// The loopback server's two endpoint families; faults are configured per family.
public enum Endpoint: String, Codable, Sendable, CaseIterable {
    /// `GET /api/<stream>/records?page=N`: the tap's source API.
    case api
    /// `/state/<state id>/state.json` and `/state/<state id>/lock`: the object store.
    case state
}

/// Faults and latency of one endpoint family, as the scenario's `http.<endpoint>.*` keys set them.
public struct FaultSpec: Codable, Sendable, Equatable {
    /// Share of requests answered `503 Service Unavailable`.
    public var errorRate: Double
    /// Share answered only after longer than the client's total timeout.
    public var stallRate: Double
    /// Share whose connection is closed without an answer.
    public var dropRate: Double
    /// Server-side latency added to every answer, and its jitter.
    public var latencyMilliseconds: Double
    public var jitterMilliseconds: Double
    public var jitter: JitterShape

    public init(
        errorRate: Double = 0, stallRate: Double = 0, dropRate: Double = 0, latencyMilliseconds: Double = 0,
        jitterMilliseconds: Double = 0, jitter: JitterShape = .uniform
    ) {
        self.errorRate = errorRate
        self.stallRate = stallRate
        self.dropRate = dropRate
        self.latencyMilliseconds = latencyMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.jitter = jitter
    }

    /// No faults, no added latency.
    public static let none = FaultSpec()
}

/// What the server does with one request.
public enum FaultAction: String, Codable, Sendable, CaseIterable {
    case answer
    /// `503` without doing the operation.
    case serverError
    /// Does the operation, then answers after the stall time (the client has given up by then).
    case stall
    /// Closes the connection without doing the operation.
    case drop
}

/// A fault decision and the latency to add before answering.
public struct FaultDecision: Sendable, Equatable {
    public var action: FaultAction
    public var latencyMilliseconds: Double
}

/// Seeded, reproducible fault injection: each decision is a pure function of (seed, endpoint,
/// request key), so the same request meets the same fault whatever the interleaving of workers.
///
/// The client names each attempt with a key (`X-Simulate-Key`, e.g. `api/o3/p7/a0`) built from
/// the invocation's ordinal, so invocation k of every variant meets the same faults (as the error
/// path's decisions do), and a retry (`a1`) draws anew.
public struct FaultPlan: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var api: FaultSpec
    public var state: FaultSpec
    /// How long a stalled answer is held back: longer than the client's total timeout.
    public var stallMilliseconds: Double

    public init(seed: UInt64, api: FaultSpec = .none, state: FaultSpec = .none, stallMilliseconds: Double) {
        self.seed = seed
        self.api = api
        self.state = state
        self.stallMilliseconds = stallMilliseconds
    }

    public func spec(for endpoint: Endpoint) -> FaultSpec { endpoint == .api ? api : state }

    /// The decision for one request. `key` nil (a client that sends none) uses `fallbackOrdinal`,
    /// the server's own arrival count: still seeded, but then order-dependent.
    public func decide(endpoint: Endpoint, key: String?, fallbackOrdinal: UInt64) -> FaultDecision {
        let spec = spec(for: endpoint)
        var random = SeededRandom(seed: Self.hash(seed, endpoint.rawValue + "|" + (key ?? "#\(fallbackOrdinal)")))
        let u = random.nextDouble()
        let action: FaultAction
        if u < spec.errorRate {
            action = .serverError
        } else if u < spec.errorRate + spec.stallRate {
            action = .stall
        } else if u < spec.errorRate + spec.stallRate + spec.dropRate {
            action = .drop
        } else {
            action = .answer
        }
        let v = random.nextDouble()
        let extra: Double
        switch spec.jitter {
        case .uniform: extra = v * spec.jitterMilliseconds
        case .exponential: extra = -spec.jitterMilliseconds * log1p(-v)
        }
        return FaultDecision(action: action, latencyMilliseconds: spec.latencyMilliseconds + extra)
    }

    /// Folds `text` into `seed` byte by byte through SplitMix64: stable across runs and platforms
    /// (Swift's `Hasher` is randomly seeded per process).
    static func hash(_ seed: UInt64, _ text: String) -> UInt64 {
        var state = seed
        for byte in text.utf8 {
            var step = SeededRandom(seed: state ^ UInt64(byte))
            state = step.next()
        }
        return state
    }
}
