import Foundation

extension FleetArrivals {
    /// When each of a day's `runs` arrives, as fractions of the day in [0, 1), in order: the
    /// same for every variant, and for the same seed on every machine.
    ///
    /// `uniform` spreads them evenly ((k + ½)/n); `poisson` draws n independent uniform instants
    /// from the seed's `fleet-arrivals` stream and sorts them, which is a Poisson process of the
    /// day's rate conditioned on its n arrivals.
    public func dayFractions(runs: Int, seed: UInt64) -> [Double] {
        guard runs > 0 else { return [] }
        switch self {
        case .uniform:
            return (0..<runs).map { (Double($0) + 0.5) / Double(runs) }
        case .poisson:
            var rng = SeededRandom(seed: seed, stream: "fleet-arrivals")
            return (0..<runs).map { _ in rng.nextDouble() }.sorted()
        }
    }
}

extension Scenario {
    /// Each run's arrival in the replay, in seconds from its variant's day start (ordinal k's at
    /// index k); nil for a run that is not a fleet.
    public var fleetReplayArrivals: [Double]? {
        guard isFleet else { return nil }
        let day = self[\.fleet.daySeconds]
        return self[\.fleet.arrivals].dayFractions(runs: self[\.invocations], seed: seed)
            .map { $0 * day }
    }
}
