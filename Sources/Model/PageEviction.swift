/// What one eviction did.
public struct PageEviction: Codable, Equatable, Sendable {
    /// Files advised.
    public var files: Int
    /// Files whose `posix_fadvise` call failed (or could not be opened).
    public var failed: Int
    /// Pages of the sampled files still resident right after the drop, and pages sampled.
    public var residentPages: Int
    public var sampledPages: Int

    /// True when the sample shows the pages gone (at most 5% still resident).
    public var tookEffect: Bool { sampledPages > 0 && failed == 0 && residentPages * 20 <= sampledPages }

    /// Nothing yet.
    public init(files: Int = 0, failed: Int = 0, residentPages: Int = 0, sampledPages: Int = 0) {
        self.files = files
        self.failed = failed
        self.residentPages = residentPages
        self.sampledPages = sampledPages
    }

    /// Both drops' counts summed.
    public func adding(_ other: PageEviction) -> PageEviction {
        PageEviction(
            files: files + other.files, failed: failed + other.failed,
            residentPages: residentPages + other.residentPages, sampledPages: sampledPages + other.sampledPages)
    }
}

/// The native scan's cost per distribution with a warm and a cold page cache, measured side by
/// side (interleaved, median of each), so a run with `--cache cold` can say what cold costs here.
public struct ScanCacheComparison: Codable, Equatable, Sendable {
    /// Distributions the scans found.
    public var distributions: Int
    /// Scans of each kind (warm, cold).
    public var scansEach: Int
    /// Median whole-scan time divided by the distribution count, warm.
    public var warmMicrosecondsPerDistribution: Double
    /// The same, right after dropping the environment's pages.
    public var coldMicrosecondsPerDistribution: Double
    /// The drops before the cold scans, summed.
    public var eviction: PageEviction

    /// Cold over warm.
    public var ratio: Double {
        warmMicrosecondsPerDistribution > 0 ? coldMicrosecondsPerDistribution / warmMicrosecondsPerDistribution : 0
    }

    public init(
        distributions: Int, scansEach: Int, warmMicrosecondsPerDistribution: Double,
        coldMicrosecondsPerDistribution: Double, eviction: PageEviction
    ) {
        self.distributions = distributions
        self.scansEach = scansEach
        self.warmMicrosecondsPerDistribution = warmMicrosecondsPerDistribution
        self.coldMicrosecondsPerDistribution = coldMicrosecondsPerDistribution
        self.eviction = eviction
    }
}
