import Foundation

/// CPython's `FastPath.lookup(mtime)` cache: within one Python process, `entry_points()` lists a
/// path entry once and reuses that listing (already grouped into metadata folders) while
/// `os.stat(root).st_mtime` is unchanged. A scanner given one of these does the same, so a run
/// gives each simulated `meltano` process (one invocation) its own, empty at the start.
///
/// The key is stricter than CPython's float mtime: device, inode and the nanosecond mtime.
public final class ListingCache: @unchecked Sendable {
    struct Stamp: Equatable {
        let device: UInt64
        let inode: UInt64
        let mtimeNanoseconds: Int64
    }

    private let lock = NSLock()
    private var listings: [String: (stamp: Stamp, folders: MetadataFolders)] = [:]

    /// An empty cache: the first scan of each path entry lists it.
    public init() {}

    /// The stamp of a directory, or nil when it is not one (the scanner then lists, and fails, as usual).
    static func stamp(of root: String) -> Stamp? {
        guard case .success(let info) = FileSystem.status(root), info.isDirectory else { return nil }
        return Stamp(device: info.device, inode: info.inode, mtimeNanoseconds: info.mtimeNanoseconds)
    }

    func folders(for root: String, stamp: Stamp) -> MetadataFolders? {
        lock.withLock { listings[root].flatMap { $0.stamp == stamp ? $0.folders : nil } }
    }

    func store(_ folders: MetadataFolders, for root: String, stamp: Stamp) {
        lock.withLock { listings[root] = (stamp, folders) }
    }
}
