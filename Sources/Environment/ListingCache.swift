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

    /// The stamp of an open directory (fstat of the descriptor the scan lists and opens files
    /// through: no second walk of the path), or nil if it cannot be read.
    static func stamp(of directory: Int32) -> Stamp? {
        var raw = stat()
        guard fstat(directory, &raw) == 0 else { return nil }
        let info = StatInfo(raw)
        return Stamp(device: info.device, inode: info.inode, mtimeNanoseconds: info.mtimeNanoseconds)
    }

    func folders(for root: String, stamp: Stamp) -> MetadataFolders? {
        lock.withLock { listings[root].flatMap { $0.stamp == stamp ? $0.folders : nil } }
    }

    func store(_ folders: MetadataFolders, for root: String, stamp: Stamp) {
        lock.withLock { listings[root] = (stamp, folders) }
    }
}
