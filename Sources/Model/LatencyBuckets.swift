import Foundation

/// Latencies counted in logarithmic buckets, four to a doubling: bucket 0 holds latencies under
/// 1 µs, bucket b ≥ 1 those in [2^((b−1)/4), 2^(b/4)) µs, the last everything longer. A bucket's
/// value is its geometric middle, within 9% of any latency in it. Mergeable, and bounded
/// (`count` buckets) however many latencies it holds, so an event carries it whole.
///
/// Encoded as a plain JSON array of counts with trailing zero buckets left out.
public struct LatencyBuckets: Codable, Sendable, Equatable {
    /// Buckets: up to 2^(99/4) µs (about 28 s) resolved, longer in the last.
    public static let count = 100

    public private(set) var counts: [Int] = []

    public init() {}

    public init(counts: [Int]) {
        self.counts = Array(counts.prefix(Self.count))
        trim()
    }

    /// Latencies counted.
    public var total: Int { counts.reduce(0, +) }

    public var isEmpty: Bool { counts.isEmpty }

    /// The bucket of a latency in nanoseconds.
    public static func bucket(nanoseconds: UInt64) -> Int {
        let micros = Double(nanoseconds) / 1000
        guard micros >= 1 else { return 0 }
        return min(count - 1, Int((log2(micros) * 4).rounded(.down)) + 1)
    }

    /// The middle of bucket `b`, in milliseconds.
    public static func milliseconds(ofBucket b: Int) -> Double {
        guard b > 0 else { return 0.0005 }
        return pow(2, (Double(b) - 0.5) / 4) / 1000
    }

    public mutating func record(nanoseconds: UInt64) {
        let b = Self.bucket(nanoseconds: nanoseconds)
        if counts.count <= b { counts += repeatElement(0, count: b + 1 - counts.count) }
        counts[b] += 1
    }

    public mutating func add(_ other: LatencyBuckets) {
        if counts.count < other.counts.count { counts += repeatElement(0, count: other.counts.count - counts.count) }
        for (b, n) in other.counts.enumerated() { counts[b] += n }
    }

    /// The latency (ms, a bucket's middle) below which a share `q` (0...1) of the counted ones fall;
    /// nil when none was counted.
    public func quantileMilliseconds(_ q: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let rank = max(1, Int((q * Double(n)).rounded(.up)))
        var seen = 0
        for (b, c) in counts.enumerated() {
            seen += c
            if seen >= rank { return Self.milliseconds(ofBucket: b) }
        }
        return Self.milliseconds(ofBucket: counts.count - 1)
    }

    private mutating func trim() {
        while counts.last == 0 { counts.removeLast() }
    }

    public init(from decoder: any Decoder) throws {
        self.init(counts: try decoder.singleValueContainer().decode([Int].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(counts)
    }
}
