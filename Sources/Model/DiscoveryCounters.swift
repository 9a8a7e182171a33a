/// The caching policy around the entry-point scan (docs/strategies.md, "Scan-count contracts"). With `L` lookups, `E`
/// error-path `backends()` calls, `I` add-on objects used and `G` groups touched, one invocation
/// scans: `static` 0, `uncached` L + E, `per-instance` I, `per-process` G, `persistent` and
/// `persistent-strict` 1 on a new or changed environment and 0 otherwise; `stevedore` the same on
/// one process at a time (concurrent first invocations each scan: it takes no lock).
public enum DiscoveryStrategy: String, CaseIterable, Codable, Sendable {
    /// Meltano 3.6.0: a fixed enum of backends; never scans.
    case staticEnum = "static"
    /// No caching at all: every lookup and every `backends()` call scans.
    case uncached
    /// A fresh add-on object per use, each scanning once (the seed's account of 3.7.9).
    case perInstance = "per-instance"
    /// One scan per group per process (real 3.7.x–4.x and the fix branch).
    case perProcess = "per-process"
    /// A cross-process cache on disk validated with one `stat` per path entry.
    case persistent
    /// As `persistent`, also stats every `entry_points.txt` so in-place edits are seen.
    case persistentStrict = "persistent-strict"
    /// The known design, for comparison: stevedore's `_cache.py` (a SHA-256 of every
    /// `entry_points.txt` path and float32 mtime names a JSON file; O(N) stats on every hit).
    case stevedore
}

/// An add-on object of one session (a `StateBackendManager`, a settings add-on, ...).
public struct AddonObjectID: Hashable, Sendable {
    /// Index in the session that made it.
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// What a session did; `scans` is the contract the tests check.
public struct DiscoveryCounters: Codable, Equatable, Sendable {
    /// `lookup` calls (L).
    public var lookups = 0
    /// `backends` calls (E).
    public var backendsCalls = 0
    /// Add-on objects used at least once (I); objects made but never used are not counted.
    public var addonObjects = 0
    /// Distinct groups looked at (G).
    public var groupsTouched = 0
    /// Calls of the injected scan.
    public var scans = 0
    /// Persistent strategies (and `stevedore`): sessions served from the cache file.
    public var persistentHits = 0
    /// Persistent strategies: sessions that had to scan.
    public var persistentMisses = 0
    /// Persistent strategies: `stat` calls spent validating the cache.
    public var validationStats = 0
    /// Persistent strategies: cache files that could not be decoded (treated as a miss).
    public var persistentCorrupt = 0
    /// Persistent strategies: scans whose result could not be written (I/O error, or timestamps
    /// too far in the future to prove a later change would be seen).
    public var persistentWritesSkipped = 0

    /// All zero.
    public init() {}
}
