/// A small, fast, seedable pseudo-random generator (SplitMix64).
///
/// Every reproducible choice in the simulator (synthetic package names, plan order, jitter) goes
/// through this type so that the same seed gives the same run on every machine and Swift release.
/// The standard library's generators and `shuffle(using:)` make no such promise.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one named stream of a run (plan order, error decisions, jitter, ...).
    ///
    /// Its start is (seed, stream, ordinal) hashed through SplitMix64's output function, never
    /// `seed` plus a multiple of the generator's own increment: that would start it on a draw of
    /// the plain `SeededRandom(seed:)` sequence, so two "independent" streams would share values.
    public init(seed: UInt64, stream: String, ordinal: UInt64 = 0) {
        var hash = Self.finalize(seed ^ 0x6A09_E667_F3BC_C908)  // any odd constant keeps seed 0 off the fixed point 0
        for byte in stream.utf8 { hash = Self.finalize(hash ^ UInt64(byte) ^ 0xBB67_AE85_84CA_A73B) }
        state = Self.finalize(hash ^ ordinal ^ 0x3C6E_F372_FE94_F82B)
    }

    /// SplitMix64's output function: a bijection that spreads every input bit over the output.
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns the next 64 random bits (SplitMix64, Steele et al. 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// Returns a uniformly distributed `Double` in `[0, 1)` with 53 bits of precision.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a uniformly distributed integer in `0..<bound`, without modulo bias.
    /// - Precondition: `bound > 0`.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let range = UInt64(bound)
        // Values below `threshold` would make some results more likely; draw again instead.
        let threshold = (0 &- range) % range
        while true {
            let value = next()
            if value >= threshold { return Int(value % range) }
        }
    }

    /// Returns one element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T {
        items[nextInt(below: items.count)]
    }

    /// Shuffles `items` in place (Fisher–Yates) with a sequence fixed by this generator's seed.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, nextInt(below: index + 1))
        }
    }
}
