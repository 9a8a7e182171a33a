#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat` said about one path.
public enum StampStatus: String, Codable, Sendable {
    /// `stat` succeeded; the identity and times are filled in.
    case present
    /// The path does not exist (`ENOENT` or `ENOTDIR` on the way).
    case missing
    /// `stat` failed otherwise (permission denied on a parent, I/O error, ...).
    case unreadable
}

/// Identity and change times of one file or directory: enough to notice that it was replaced,
/// modified or touched, without reading it. Times are nanoseconds since the Unix epoch.
public struct StatStamp: Codable, Equatable, Sendable {
    /// `stat` result kind.
    public var status: StampStatus
    /// `st_dev` (0 unless present).
    public var device: UInt64
    /// `st_ino` (0 unless present).
    public var inode: UInt64
    /// `st_size` in bytes (0 unless present).
    public var size: Int64
    /// `st_mtim` in nanoseconds: every entry added, removed or renamed in a directory moves it.
    public var mtimeNanoseconds: Int64
    /// `st_ctim` in nanoseconds: unlike mtime it cannot be set back (tar, rsync, `touch -d`).
    public var ctimeNanoseconds: Int64

    /// Stats `path` (following symbolic links).
    public init(path: String) {
        switch FileSystem.status(path) {
        case .success(let info):
            self.init(
                status: .present, device: info.device, inode: info.inode, size: info.size,
                mtimeNanoseconds: info.mtimeNanoseconds, ctimeNanoseconds: info.ctimeNanoseconds)
        case .failure(let code):
            let status: StampStatus = code.value == ENOENT || code.value == ENOTDIR ? .missing : .unreadable
            self.init(status: status, device: 0, inode: 0, size: 0, mtimeNanoseconds: 0, ctimeNanoseconds: 0)
        }
    }

    /// Creates a stamp from known values.
    public init(
        status: StampStatus, device: UInt64, inode: UInt64, size: Int64,
        mtimeNanoseconds: Int64, ctimeNanoseconds: Int64
    ) {
        self.status = status
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeNanoseconds = ctimeNanoseconds
    }
}

/// The stamp of one path entry (a directory on the emulated `sys.path`).
public struct PathEntryStamp: Codable, Equatable, Sendable {
    /// The path entry as given.
    public var path: String
    /// Its `stat` result.
    public var stamp: StatStamp
}

/// The stamp of one distribution's `entry_points.txt` (which may be missing).
public struct FileStamp: Codable, Equatable, Sendable {
    /// Full path of the `entry_points.txt`.
    public var path: String
    /// Its `stat` result.
    public var stamp: StatStamp
}

/// Cheap environment fingerprints for the persistent discovery caches: only `stat` calls, no reads.
public enum EnvironmentFingerprint {
    /// One `stat` per path entry. Installing, removing, upgrading or renaming a distribution adds,
    /// removes or renames a `*.dist-info` entry in a path entry, which moves that directory's
    /// mtime and ctime; replacing the directory changes its inode.
    public static func pathEntries(_ paths: [String]) -> [PathEntryStamp] {
        paths.map { PathEntryStamp(path: $0, stamp: StatStamp(path: $0.isEmpty ? "." : $0)) }
    }

    /// Lists each path entry and stats every distribution's `entry_points.txt`: O(N) `stat`
    /// calls, no file reads. Sees in-place edits that leave the path entry's mtime alone.
    /// Within a path entry the stamps are sorted by path, so the order of `readdir` cannot matter.
    public static func entryPointFiles(_ paths: [String]) -> [FileStamp] {
        var stamps: [FileStamp] = []
        for entry in paths {
            let root = entry.isEmpty ? "." : entry
            guard case .success(let listing) = FileSystem.list(root) else { continue }
            for folder in listing.names.filter(FileSystem.isDistributionFolderName).sorted(by: {
                $0.utf8.lexicographicallyPrecedes($1.utf8)
            }) {
                let path = root + "/" + folder + "/entry_points.txt"
                stamps.append(FileStamp(path: path, stamp: StatStamp(path: path)))
            }
        }
        return stamps
    }
}
