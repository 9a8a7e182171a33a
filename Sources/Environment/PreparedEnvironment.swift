#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An environment ready to scan: synthetic (made by `SyntheticEnvironment`) or real.
public struct PreparedEnvironment: Codable, Sendable, CustomStringConvertible {
    /// The directories to scan, in order (the emulated `sys.path`).
    public var pathEntries: [String]
    /// `*.dist-info` / `*.egg-info` entries across all path entries (before de-duplication).
    public var distributionCount: Int
    /// How many of those have an `entry_points.txt` file.
    public var entryPointFileCount: Int
    /// True when nothing was written: a complete cached environment (made earlier by this or
    /// another process) or a real environment given by path.
    public var reused: Bool
    /// One line for logs and reports.
    public var description: String

    /// Creates a value from known parts.
    public init(
        pathEntries: [String], distributionCount: Int, entryPointFileCount: Int,
        reused: Bool, description: String
    ) {
        self.pathEntries = pathEntries
        self.distributionCount = distributionCount
        self.entryPointFileCount = entryPointFileCount
        self.reused = reused
        self.description = description
    }

    /// A real environment given by `--site-packages PATH` (repeatable): checks that every path is
    /// a directory and counts its distributions (one listing and one `stat` per distribution).
    public static func existing(paths: [String]) throws -> PreparedEnvironment {
        guard !paths.isEmpty else { throw EnvironmentError.noPathEntries }
        var distributions = 0
        var withEntryPoints = 0
        var unread = 0  // what every scan will skip: the report says so
        for path in paths {
            guard FileSystem.isDirectory(path) else { throw EnvironmentError.notADirectory(path: path) }
            let names: [String]
            switch FileSystem.list(path) {
            case .success(let listing): names = listing.names
            case .failure(let code): throw EnvironmentError.io(path: path, errno: code.value)
            }
            for folder in names where FileSystem.isDistributionFolderName(folder) {
                distributions += 1
                guard case .success(let info) = FileSystem.status(path + "/" + folder + "/entry_points.txt"),
                    !info.isDirectory
                else { continue }
                if info.isRegularFile, info.size <= FileSystem.metadataLimit {
                    withEntryPoints += 1
                } else {
                    unread += 1
                }
            }
        }
        let skipped =
            unread == 0
            ? ""
            : "; \(unread) entry_points.txt skipped unread by every scan (over \(FileSystem.metadataLimit >> 20) MiB "
                + "or not a regular file)"
        let summary =
            "existing environment: \(distributions) distributions (\(withEntryPoints) with "
            + "entry_points.txt) in \(paths.joined(separator: ", "))\(skipped)"
        return PreparedEnvironment(
            pathEntries: paths, distributionCount: distributions,
            entryPointFileCount: withEntryPoints, reused: true, description: summary)
    }
}

/// Errors from preparing an environment.
public enum EnvironmentError: Error, CustomStringConvertible, Equatable {
    /// A synthetic environment needs at least one distribution (`meltano` itself).
    case invalidPackageCount(Int)
    /// `existing(paths:)` was given no path.
    case noPathEntries
    /// A given path entry is not a directory.
    case notADirectory(path: String)
    /// A file-system call failed.
    case io(path: String, errno: Int32)

    /// A message for the command line.
    public var description: String {
        switch self {
        case .invalidPackageCount(let count):
            return "package count must be at least 1 (meltano itself), got \(count)"
        case .noPathEntries:
            return "no site-packages path given"
        case .notADirectory(let path):
            return "not a directory: \(path)"
        case .io(let path, let code):
            return "\(path): \(String(cString: strerror(code)))"
        }
    }
}
