import Foundation
import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes (or reuses) a synthetic environment with a given number of distributions, so a scan's
/// cost can be measured at any package count. Layout:
/// `cacheRoot/env-<packages>-<seed>[-<shape>]/site-packages/<name>-<version>.dist-info/{METADATA,RECORD[,entry_points.txt]}`
/// plus `COMPLETE`; a shape other than `.bare` adds package folders, modules and `.pth` files to
/// `site-packages` and the path entries before it (`bin`, absent zips, `stdlib`, `lib-dynload`:
/// `SyntheticPlan.pathEntries`). Contents depend only on (packages, seed, shape).
public enum SyntheticEnvironment {
    /// Bump when the generated layout changes; older cached environments are then regenerated.
    public static let formatVersion = 2

    /// Returns the environment for (packages, seed, shape), generating it on first use.
    ///
    /// Concurrency-safe across processes: the tree is generated in a private temporary folder,
    /// the `COMPLETE` marker is written last, and the folder is renamed into place in one step,
    /// so no process ever sees half an environment. A folder without a matching marker (left by
    /// a crash or an older format) is moved aside and regenerated.
    public static func prepare(
        packages: Int, seed: UInt64, cacheRoot: URL, shape: EnvironmentShape = .bare
    ) throws -> PreparedEnvironment {
        guard packages >= 1 else { throw EnvironmentError.invalidPackageCount(packages) }
        let root = cacheRoot.standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let finalPath = root + "/env-\(packages)-\(seed)" + (shape == .bare ? "" : "-" + shape.tag)
        let wanted = Marker(
            formatVersion: formatVersion, packages: packages, seed: String(seed),
            distributionCount: packages,
            entryPointFileCount: entryPointFileCount(packages: packages, percent: shape.entryPointPercent), shape: shape
        )
        // A few rounds: another process may put its own copy in place between our checks.
        for _ in 0..<4 {
            if let found = readMarker(finalPath), found == wanted, FileSystem.isDirectory(finalPath + "/site-packages")
            {
                return prepared(finalPath, wanted, reused: true)
            }
            if case .success = FileSystem.status(finalPath) {
                try discard(finalPath, in: root)  // half-written or stale format
            }
            let temporary = root + "/.tmp-" + uniqueSuffix()
            do {
                try generate(packages: packages, seed: seed, into: temporary, marker: wanted)
            } catch {
                try? FileSystem.removeTree(temporary)
                throw error
            }
            if rename(temporary, finalPath) == 0 {
                return prepared(finalPath, wanted, reused: false)
            }
            let code = errno
            try? FileSystem.removeTree(temporary)
            // EEXIST/ENOTEMPTY: another process renamed its copy in first; check it next round.
            guard code == EEXIST || code == ENOTEMPTY else {
                throw EnvironmentError.io(path: finalPath, errno: code)
            }
        }
        throw EnvironmentError.io(path: finalPath, errno: EAGAIN)
    }

    /// The shaped environments `simulate calibrate` measures beside the single-folder sizes, so that
    /// the scan's terms can be told apart: many names in one folder, many in several path entries,
    /// several nearly empty path entries, absent path entries, every or no distribution with entry
    /// points, and Meltano 3.7.9's shape at two sizes.
    public static let calibrationShapes: [(packages: Int, shape: EnvironmentShape)] = [
        (
            100,
            EnvironmentShape(
                packageFolders: 3_000, modules: 1_000, pthFiles: 0, stdlibEntries: 0, dynloadEntries: 0,
                binEntries: 0, missingPathEntries: 0)
        ),
        (
            100,
            EnvironmentShape(
                packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 3_000, dynloadEntries: 500,
                binEntries: 500, missingPathEntries: 0)
        ),
        (
            100,
            EnvironmentShape(
                packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 2, dynloadEntries: 2,
                binEntries: 2, missingPathEntries: 0)
        ),
        (
            100,
            EnvironmentShape(
                packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 0, dynloadEntries: 0,
                binEntries: 0, missingPathEntries: 16)
        ),
        (
            100,
            EnvironmentShape(
                packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 0, dynloadEntries: 0,
                binEntries: 1, missingPathEntries: 0, entryPointPercent: 100)
        ),
        (
            400,
            EnvironmentShape(
                packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 0, dynloadEntries: 0,
                binEntries: 1, missingPathEntries: 0, entryPointPercent: 0)
        ),
        (65, .meltano379), (400, .meltano379),
    ]

    /// `COMPLETE`: proves the folder was fully written and says what it holds.
    struct Marker: Codable, Equatable {
        var formatVersion: Int
        var packages: Int
        var seed: String  // as text: JSON numbers lose UInt64 precision in some decoders
        var distributionCount: Int
        var entryPointFileCount: Int
        var shape: EnvironmentShape
    }

    /// About `percent` of the distributions (a quarter by default, and at least meltano) have `entry_points.txt`.
    static func entryPointFileCount(packages: Int, percent: Int = 25) -> Int {
        percent == 25 ? max(1, (packages + 2) / 4) : max(1, (packages * percent + 50) / 100)
    }

    private static func prepared(_ path: String, _ marker: Marker, reused: Bool) -> PreparedEnvironment {
        let site = path + "/site-packages"
        let others = marker.shape.listedEntries
        let summary =
            "synthetic environment: \(marker.distributionCount) distributions "
            + "(\(marker.entryPointFileCount) with entry_points.txt)"
            + (marker.shape == .bare
                ? "" : ", \(others) other entries listed, \(marker.shape.extraPathEntries + 1) path entries")
            + ", seed \(marker.seed), \(reused ? "reused" : "generated") at \(site)"
        return PreparedEnvironment(
            pathEntries: SyntheticPlan.pathEntries(root: path, shape: marker.shape),
            distributionCount: marker.distributionCount,
            entryPointFileCount: marker.entryPointFileCount, reused: reused,
            description: summary)
    }

    private static func readMarker(_ path: String) -> Marker? {
        guard case .success(let bytes) = FileSystem.readFile(path + "/COMPLETE") else { return nil }
        return try? JSONDecoder().decode(Marker.self, from: Data(bytes))
    }

    // Rename first so that nobody sees a half-deleted tree at the final path, then delete.
    private static func discard(_ path: String, in root: String) throws {
        let trash = root + "/.trash-" + uniqueSuffix()
        guard rename(path, trash) == 0 else {
            if errno == ENOENT { return }  // another process already moved it
            throw EnvironmentError.io(path: path, errno: errno)
        }
        try FileSystem.removeTree(trash)
    }

    private static func uniqueSuffix() -> String {
        var system = SystemRandomNumberGenerator()
        return "\(getpid())-" + String(system.next(), radix: 16)
    }

    private static func generate(packages: Int, seed: UInt64, into folder: String, marker: Marker) throws {
        try FileSystem.makeDirectory(folder)
        let site = folder + "/site-packages"
        try FileSystem.makeDirectory(site)
        let plan = SyntheticPlan(packages: packages, seed: seed, entryPointFiles: marker.entryPointFileCount)
        for filler in plan.fillers(shape: marker.shape) {
            let path = folder + "/" + filler.path
            if filler.isFolder {
                if !FileSystem.isDirectory(path) { try FileSystem.makeDirectory(path) }
            } else {
                try FileSystem.writeFile(path, Array(filler.content.utf8))
            }
        }
        for distribution in plan.distributions {
            let metadataFolder = site + "/" + distribution.folder
            try FileSystem.makeDirectory(metadataFolder)
            try FileSystem.writeFile(metadataFolder + "/METADATA", Array(distribution.metadata.utf8))
            try FileSystem.writeFile(metadataFolder + "/RECORD", Array(distribution.record.utf8))
            if let entryPoints = distribution.entryPoints {
                try FileSystem.writeFile(metadataFolder + "/entry_points.txt", Array(entryPoints.utf8))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // byte-identical markers for identical inputs
        try FileSystem.writeFile(folder + "/COMPLETE", Array(try encoder.encode(marker)))
    }
}
