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
