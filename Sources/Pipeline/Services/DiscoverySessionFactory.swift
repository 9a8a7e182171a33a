import Discovery
import Environment
import Foundation
import Model

/// Makes each invocation's discovery session: every scan real, timed, and padded to the profile's
/// cost. Keeps what a variant scans (its path entries and, cold, their files) listed once per worker.
final class DiscoverySessionFactory {
    /// What a variant scans: its path entries and (cold) their files, listed once.
    struct ScanEnvironment {
        let pathEntries: [String]
        let pageCache: PageCache?
    }

    let discovery: DiscoveryWork
    let padder: CostPadder
    let costing: ScanCosting
    private var environments: [[String]: ScanEnvironment] = [:]

    init(discovery: DiscoveryWork, padder: CostPadder) {
        self.discovery = discovery
        self.padder = padder
        self.costing = ScanCosting(costs: padder.costs, cold: discovery.cacheMode == .cold)
    }

    /// The environment `variant` scans, made on first use.
    func environment(for variant: String) -> ScanEnvironment {
        let paths = discovery.pathEntries(for: variant)
        if let known = environments[paths] { return known }
        let made = ScanEnvironment(
            pathEntries: paths,
            pageCache: discovery.cacheMode == .cold ? PageCache(pathEntries: paths) : nil)
        environments[paths] = made
        return made
    }

    /// A fresh session for one invocation of `variant`, its scans and padding kept in `ledger`.
    func makeSession(for variant: Variant, ledger: PaddingLedger) -> DiscoverySession {
        let scanEnvironment = environment(for: variant.name)
        let padder = self.padder
        let costing = self.costing
        let pageCache = scanEnvironment.pageCache
        // One session is one simulated `meltano` process: CPython's listing cache starts empty and
        // is reused by its later scans. A cold cache lists every scan, as `cache: cold` promises.
        let scanner = EntryPointScanner(
            pathEntries: scanEnvironment.pathEntries, listings: pageCache == nil ? ListingCache() : nil)
        // Part of the import, before any phase: the first scan then lists nothing, as in CPython.
        if variant.release.listsPathEntriesAtImport {
            scanner.prefetchListings()
        }
        return DiscoverySession(
            strategy: variant.strategy, pathEntries: scanEnvironment.pathEntries,
            persistentCacheDirectory: URL(fileURLWithPath: discovery.cacheDirectory)
        ) {
            if let pageCache {
                let dropStart = MonotonicClock.now()
                let eviction = pageCache.evict()
                ledger.eviction = (ledger.eviction ?? PageEviction()).adding(eviction)
                ledger.excludedNs += MonotonicClock.now() - dropStart
            }
            let start = MonotonicClock.now()
            let result = scanner.scan()
            let end = MonotonicClock.now()
            let micros = costing.micros(result, first: ledger.scans == 0)
            padder.pad(started: start, nativeEnd: end, targetMicros: micros, units: 1, timing: &ledger.scanTiming)
            ledger.scans += 1
            return result
        }
    }
}
