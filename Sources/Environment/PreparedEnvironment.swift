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
        let (distributions, withEntryPoints, unread) = try count(paths, skippingMissing: false)
        let skipped = skippedNote(unread)
        let summary =
            "existing environment: \(distributions) distributions (\(withEntryPoints) with "
            + "entry_points.txt) in \(paths.joined(separator: ", "))\(skipped)"
        return PreparedEnvironment(
            pathEntries: paths, distributionCount: distributions,
            entryPointFileCount: withEntryPoints, reused: true, description: summary)
    }

    /// The `sys.path` of the interpreter `python` as its console scripts see it (the `python`
    /// scenario key, `--python`): entries that do not exist stay on the path, as CPython visits
    /// them on every scan (a venv's absent `python311.zip`).
    public static func interpreter(_ python: String) throws -> PreparedEnvironment {
        let paths = try InterpreterPath.sysPath(of: python, asConsoleScript: true)
        let (distributions, withEntryPoints, unread) = try count(paths, skippingMissing: true)
        let summary =
            "the sys.path of \(python): \(distributions) distributions (\(withEntryPoints) with "
            + "entry_points.txt) in \(paths.count) path entries\(skippedNote(unread))"
        return PreparedEnvironment(
            pathEntries: paths, distributionCount: distributions,
            entryPointFileCount: withEntryPoints, reused: true, description: summary)
    }

    /// What every scan will skip, for the environment's description (the report says so).
    private static func skippedNote(_ unread: Int) -> String {
        unread == 0
            ? ""
            : "; \(unread) entry_points.txt skipped unread by every scan (over \(FileSystem.metadataLimit >> 20) MiB "
                + "or not a regular file)"
    }

    // Distributions, readable `entry_points.txt` files and unreadable ones (over the size limit or
    // not a regular file) in the path entries; a path entry that is not a directory is an error
    // unless `skippingMissing`.
    private static func count(_ paths: [String], skippingMissing: Bool) throws -> (Int, Int, Int) {
        var distributions = 0
        var withEntryPoints = 0
        var unread = 0
        for path in paths {
            let root = path.isEmpty ? "." : path  // "" on sys.path is the current directory
            guard FileSystem.isDirectory(root) else {
                if skippingMissing { continue }
                throw EnvironmentError.notADirectory(path: path)
            }
            let names: [String]
            switch FileSystem.list(root) {
            case .success(let listing): names = listing.names
            case .failure(let code): throw EnvironmentError.io(path: path, errno: code.value)
            }
            for folder in names where FileSystem.isDistributionFolderName(folder) {
                distributions += 1
                guard case .success(let info) = FileSystem.status(root + "/" + folder + "/entry_points.txt"),
                    !info.isDirectory
                else { continue }
                if info.isRegularFile, info.size <= FileSystem.metadataLimit {
                    withEntryPoints += 1
                } else {
                    unread += 1
                }
            }
        }
        return (distributions, withEntryPoints, unread)
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
