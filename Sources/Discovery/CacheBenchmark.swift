import Environment
import Foundation
import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hit, miss and invalidation of the cross-process caches, measured side by side in one run:
/// what `simulate bench-cache` prints. Every number is one real first lookup of a fresh session
/// (a new process lifetime): fingerprint, cache file, and on a miss the real scan and the write.
public struct CacheBenchmark {
    /// What to measure.
    public struct Options: Sendable {
        /// Distribution counts of the synthetic environments.
        public var sizes: [Int]
        /// The strategies compared (any of `persistent`, `persistent-strict`, `stevedore`).
        public var strategies: [DiscoveryStrategy]
        /// Hits measured per strategy and size.
        public var hitRepeats: Int
        /// Misses, and invalidations, measured per strategy and size.
        public var missRepeats: Int
        /// Untimed pause between changing the environment and the lookup (an install that finished
        /// before the run started); below 20 ms `persistent` waits out the file clock's tick.
        public var settleMilliseconds: Int
        /// Where the environments and cache folders go (environments are reused between runs).
        public var workRoot: URL
        /// Seed of the synthetic environments.
        public var seed: UInt64

        /// Collects the options.
        public init(
            sizes: [Int], strategies: [DiscoveryStrategy], hitRepeats: Int, missRepeats: Int,
            settleMilliseconds: Int, workRoot: URL, seed: UInt64
        ) {
            self.sizes = sizes
            self.strategies = strategies
            self.hitRepeats = hitRepeats
            self.missRepeats = missRepeats
            self.settleMilliseconds = settleMilliseconds
            self.workRoot = workRoot
            self.seed = seed
        }
    }

    /// One strategy at one size: every sample in microseconds.
    public struct Row: Sendable {
        public var packages: Int
        public var strategy: DiscoveryStrategy
        /// A valid cache file: validate and read the group.
        public var hit: [Double] = []
        /// No cache file: fingerprint, scan, write.
        public var miss: [Double] = []
        /// A cache file for the environment before an install: detect, scan, write.
        public var invalidation: [Double] = []
        /// `stat`/`lstat` calls one hit spends validating.
        public var hitStats = 0
    }

    /// A lookup that did not do what its kind says (a "hit" that scanned, a stale answer).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let options: Options

    /// A benchmark with these options; nothing runs until `run`.
    public init(options: Options) { self.options = options }

    /// Runs everything; `progress` receives one line per step.
    public func run(progress: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for size in options.sizes {
            progress("preparing \(size) distributions")
            let environment = try SyntheticEnvironment.prepare(
                packages: size, seed: options.seed,
                cacheRoot: options.workRoot.appendingPathComponent("environments"))
            let site = environment.pathEntries[0]
            var extra: String?
            defer { if let extra { try? FileManager.default.removeItem(atPath: extra) } }
            let caches = options.strategies.map {
                options.workRoot.appendingPathComponent("caches/\($0.rawValue)-\(size)")
            }
            for cache in caches { try? FileManager.default.removeItem(at: cache) }
            var sizeRows = options.strategies.map { Row(packages: size, strategy: $0) }
            usleep(useconds_t(options.settleMilliseconds * 1_000))  // a just-generated tree is an install too

            progress("\(size): miss")
            for _ in 0..<options.missRepeats {
                for (i, strategy) in options.strategies.enumerated() {
                    try? FileManager.default.removeItem(at: caches[i])
                    sizeRows[i].miss.append(try measure(strategy, site, caches[i], expectScan: true, expectExtra: nil))
                }
            }
            progress("\(size): hit")
            for _ in 0..<options.hitRepeats {
                for (i, strategy) in options.strategies.enumerated() {
                    sizeRows[i].hit.append(
                        try measure(
                            strategy, site, caches[i], expectScan: false, expectExtra: nil,
                            stats: &sizeRows[i].hitStats))
                }
            }
            progress("\(size): invalidation")
            for round in 0..<options.missRepeats {
                // A new name each round, so no earlier cache key can come back (stevedore's would).
                if let extra { try FileManager.default.removeItem(atPath: extra) }
                let name = "bench_extra_\(round)"
                let folder = site + "/\(name)-1.0.dist-info"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                try Data("[\(MeltanoEntryPoints.stateBackendsGroup)]\n\(name) = \(name):Manager\n".utf8)
                    .write(to: URL(fileURLWithPath: folder + "/entry_points.txt"))
                extra = folder
                usleep(useconds_t(options.settleMilliseconds * 1_000))
                for (i, strategy) in options.strategies.enumerated() {
                    sizeRows[i].invalidation.append(
                        try measure(strategy, site, caches[i], expectScan: true, expectExtra: name))
                }
            }
            rows += sizeRows
        }
        return rows
    }

    private func measure(
        _ strategy: DiscoveryStrategy, _ site: String, _ cache: URL, expectScan: Bool,
        expectExtra: String?
    ) throws -> Double {
        var ignored = 0
        return try measure(strategy, site, cache, expectScan: expectScan, expectExtra: expectExtra, stats: &ignored)
    }

    /// One fresh session's first lookup, timed from the session's creation to the answer.
    private func measure(
        _ strategy: DiscoveryStrategy, _ site: String, _ cache: URL, expectScan: Bool,
        expectExtra: String?, stats: inout Int
    ) throws -> Double {
        let scanner = EntryPointScanner(pathEntries: [site])
        let group = MeltanoEntryPoints.stateBackendsGroup
        let start = MonotonicClock.now()
        let session = DiscoverySession(strategy: strategy, pathEntries: [site], persistentCacheDirectory: cache) {
            scanner.scan()
        }
        let names = session.backends(group: group, via: session.newAddonObject())
        let elapsed = Double(MonotonicClock.now() - start) / 1_000
        let scanned = session.counters.scans == 1
        guard scanned == expectScan else {
            throw Failure(description: "\(strategy.rawValue): expected a \(expectScan ? "miss" : "hit"), got the other")
        }
        if let expectExtra, !names.contains(expectExtra) {
            throw Failure(description: "\(strategy.rawValue): stale answer after installing \(expectExtra)")
        }
        stats = session.counters.validationStats
        return elapsed
    }
}
