import Environment
import Foundation
import Model

/// The entry-point discovery state of one simulated process lifetime (one `meltano run`).
/// In-process caches start empty in every session; only the persistent strategies carry
/// anything across sessions, through a file.
///
/// Not thread-safe: one session belongs to one invocation, which runs on one thread.
public final class DiscoverySession {
    /// The caching policy.
    public let strategy: DiscoveryStrategy
    /// The path entries the scan covers (and the persistent cache is keyed by).
    public let pathEntries: [String]
    /// Where the persistent strategies keep their cache file; `nil` disables the file (one scan
    /// per session).
    public let persistentCacheDirectory: URL?
    /// What this session has done so far.
    public private(set) var counters = DiscoveryCounters()

    private let scan: () -> ScanResult
    private var objects: [[String: [EntryPoint]]?] = []  // per-instance: each object's own scan
    private var groupCache: [String: [EntryPoint]] = [:]  // per-process: one scan per group; persistent: groups read
    private var allGroups: [String: [EntryPoint]]?  // persistent after a miss, stevedore: everything, once
    private var reader: PersistentCacheFile.Reader?  // persistent after a hit: groups read on demand
    private var touched: Set<String> = []
    private var usedObjects: Set<Int> = []

    /// Creates a session. `scan` performs one full scan (the caller times and pads it); the
    /// session calls it exactly when its strategy needs a scan and never otherwise.
    public init(
        strategy: DiscoveryStrategy, pathEntries: [String], persistentCacheDirectory: URL?,
        scan: @escaping () -> ScanResult
    ) {
        self.strategy = strategy
        self.pathEntries = pathEntries
        self.persistentCacheDirectory = persistentCacheDirectory
        self.scan = scan
    }

    /// Makes a new add-on object. Making one costs nothing; its first use may scan.
    public func newAddonObject() -> AddonObjectID {
        objects.append(nil)
        return AddonObjectID(rawValue: objects.count - 1)
    }

    /// `addon.installed[name]`: the first entry point called `name` in `group`, or `nil`.
    public func lookup(group: String, name: String, via object: AddonObjectID) -> EntryPoint? {
        counters.lookups += 1
        return entries(group: group, via: object).first { $0.name == name }
    }

    /// `StateBackend.backends()` as Meltano 3.7.x builds it for an error message: for the
    /// state-backend group `systemdb` first, then the installed names in discovery order
    /// (not sorted, duplicates kept); for other groups just the installed names.
    public func backends(group: String, via object: AddonObjectID) -> [String] {
        counters.backendsCalls += 1
        let names = entries(group: group, via: object).map(\.name)
        return group == MeltanoEntryPoints.stateBackendsGroup ? [MeltanoEntryPoints.systemdb] + names : names
    }

    private func entries(group: String, via object: AddonObjectID) -> [EntryPoint] {
        precondition(objects.indices.contains(object.rawValue), "add-on object from another session")
        if touched.insert(group).inserted { counters.groupsTouched += 1 }
        if usedObjects.insert(object.rawValue).inserted { counters.addonObjects += 1 }
        switch strategy {
        case .staticEnum:
            return StaticTable.entries(group: group)
        case .uncached:
            return runScan().select(group: group)
        case .perInstance:
            if let cached = objects[object.rawValue] { return cached[group] ?? [] }
            let grouped = Self.grouped(runScan().entryPoints)
            objects[object.rawValue] = grouped
            return grouped[group] ?? []
        case .perProcess:
            if let cached = groupCache[group] { return cached }
            let selected = runScan().select(group: group)
            groupCache[group] = selected
            return selected
        case .persistent, .persistentStrict:
            if let cached = groupCache[group] { return cached }
            let found = persistentEntries(group: group)
            groupCache[group] = found
            return found
        case .stevedore:
            if allGroups == nil { allGroups = loadStevedore() }
            return allGroups?[group] ?? []
        }
    }

    /// One group through the persistent cache: the first use validates (or scans and writes),
    /// later groups come from the validated file or the scan's result.
    private func persistentEntries(group: String) -> [EntryPoint] {
        if allGroups == nil && reader == nil { loadPersistent(afterDamage: false) }
        if let reader {
            if let found = reader.entries(group: group) { return found }
            // A damaged slice behind a header that checked out: never trust the file again.
            self.reader = nil
            counters.persistentCorrupt += 1
            loadPersistent(afterDamage: true)
        }
        return allGroups?[group] ?? []
    }

    private func runScan() -> ScanResult {
        counters.scans += 1
        return scan()
    }

    /// First use in a persistent session: a hit costs the fingerprint's `stat` calls and a small
    /// header read; a miss takes the lock, checks again (another process may have just written
    /// it), and only then scans and writes. After a damaged file it goes straight to the scan.
    private func loadPersistent(afterDamage: Bool) {
        guard let directory = persistentCacheDirectory else {
            counters.persistentMisses += 1
            allGroups = Self.grouped(runScan().entryPoints)
            return
        }
        let cache = PersistentEntryPointCache(
            directory: directory, pathEntries: pathEntries,
            strict: strategy == .persistentStrict)
        var sawCorrupt = false
        func tryHit(_ allowed: Bool) -> (EnvironmentStamps, PersistentCacheFile.Reader?) {
            let stamps = cache.stamps()
            counters.validationStats += stamps.statCount
            guard allowed else { return (stamps, nil) }
            switch cache.read(expecting: stamps) {
            case .hit(let reader): return (stamps, reader)
            case .corrupt: sawCorrupt = true
            case .absent, .stale: break
            }
            return (stamps, nil)
        }
        defer { if sawCorrupt { counters.persistentCorrupt += 1 } }

        if !afterDamage, case (_, let found?) = tryHit(true) {
            counters.persistentHits += 1
            reader = found
            return
        }
        let locked: Bool? = cache.withExclusiveLock {
            let (stamps, found) = tryHit(!afterDamage)
            if let found {
                counters.persistentHits += 1
                reader = found
                return true
            }
            counters.persistentMisses += 1
            // Scanning only after the stamps' times are safely in the past guarantees that any
            // change the scan misses moves a timestamp away from the stored one.
            let provable = PersistentEntryPointCache.waitUntilStampsAreInThePast(stamps)
            let entryPoints = runScan().entryPoints
            if !provable || !cache.write(stamps: stamps, entryPoints: entryPoints) {
                counters.persistentWritesSkipped += 1
            }
            allGroups = Self.grouped(entryPoints)
            return true
        }
        if locked != nil { return }
        // The lock file could not be opened (read-only cache folder): scan without caching.
        counters.persistentMisses += 1
        counters.persistentWritesSkipped += 1
        allGroups = Self.grouped(runScan().entryPoints)
    }

    /// First use in a `stevedore` session: its key, then its file or a scan (see `StevedoreStyleCache`).
    private func loadStevedore() -> [String: [EntryPoint]] {
        guard let directory = persistentCacheDirectory else {
            counters.persistentMisses += 1
            return Self.grouped(runScan().entryPoints)
        }
        let prefix = URL(fileURLWithPath: pathEntries.first ?? ".").deletingLastPathComponent().path
        let cache = StevedoreStyleCache(
            directory: directory, pathEntries: pathEntries,
            interpreter: Self.interpreter, prefix: prefix)
        let outcome = cache.load { runScan().entryPoints }
        counters.validationStats += outcome.stats
        if outcome.hit { counters.persistentHits += 1 } else { counters.persistentMisses += 1 }
        if !outcome.hit && !outcome.wrote { counters.persistentWritesSkipped += 1 }
        if outcome.corrupt { counters.persistentCorrupt += 1 }
        return outcome.groups
    }

    /// This process's executable: stevedore keys its cache by `sys.executable`.
    private static let interpreter =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]

    private static func grouped(_ entryPoints: [EntryPoint]) -> [String: [EntryPoint]] {
        Dictionary(grouping: entryPoints, by: \.group)  // keeps discovery order within a group
    }
}
