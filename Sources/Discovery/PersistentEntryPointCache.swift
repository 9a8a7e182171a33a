import Environment
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a persistent cache entry is valid for.
struct EnvironmentStamps: Equatable {
    /// One stamp per path entry (both persistent strategies).
    var pathEntries: [PathEntryStamp]
    /// One stamp per distribution's `entry_points.txt` (`persistent-strict` only).
    var entryPointFiles: StampTable?

    var statCount: Int { pathEntries.count + (entryPointFiles?.count ?? 0) }

    /// When every stamped time is safely in the past (see `StampTable.safeAfter`).
    var safeAfterNanoseconds: Int64 {
        var deadline = entryPointFiles?.safeAfterNanoseconds ?? 0
        for entry in pathEntries where entry.stamp.status == .present {
            deadline = max(
                deadline, StampTable.safeAfter(entry.stamp.mtimeNanoseconds),
                StampTable.safeAfter(entry.stamp.ctimeNanoseconds))
        }
        return deadline
    }
}

/// The cross-process cache file of the persistent strategies:
/// `<directory>/entry-points[-strict]-v<format>-<hash of path entries>.cache`, beside a `.lock`.
/// The format (`PersistentCacheFile`) lets a hit read only a small header and the groups it uses.
struct PersistentEntryPointCache {
    /// Version 1 was one JSON document, decoded whole on every hit; version 2 a JSON header and
    /// JSON slices per group; version 3 is binary (see `PersistentCacheFile`).
    static let formatVersion = 3
    private static let versionText = String(formatVersion)

    let directory: String
    let pathEntries: [String]
    let strict: Bool
    let filePath: String

    var strategyName: String { strict ? "persistent-strict" : "persistent" }

    init(directory: URL, pathEntries: [String], strict: Bool) {
        self.directory = FileURLPath.standardized(directory)
        self.pathEntries = pathEntries
        self.strict = strict
        // Concatenation, not interpolation: this runs on every hit, cold.
        filePath =
            self.directory + (strict ? "/entry-points-strict-v" : "/entry-points-v") + Self.versionText + "-"
            + Self.hash(pathEntries) + ".cache"
    }

    /// The current environment's stamps: O(path entries) `stat` calls, plus O(N) when strict.
    func stamps() -> EnvironmentStamps {
        EnvironmentStamps(
            pathEntries: EnvironmentFingerprint.pathEntries(pathEntries),
            entryPointFiles: strict ? StampTable.entryPointFiles(pathEntries) : nil)
    }

    /// Opens the cache file; a hit needs the same format, strategy, key and stamps.
    func read(expecting stamps: EnvironmentStamps) -> PersistentCacheFile.Opened {
        PersistentCacheFile.validate(filePath, version: Self.formatVersion, strategy: strategyName, expecting: stamps)
    }

    /// Writes atomically: a temporary file in the same folder, then `rename`, so readers see
    /// the old file or the new one, never a partial one. No `fsync`: after a power cut a torn
    /// file decodes as corrupt, which is a miss, not a wrong answer.
    func write(stamps: EnvironmentStamps, entryPoints: [EntryPoint]) -> Bool {
        guard
            let data = PersistentCacheFile.encode(
                version: Self.formatVersion, strategy: strategyName, stamps: stamps, entryPoints: entryPoints)
        else { return false }
        var random = SystemRandomNumberGenerator()
        let temporary = directory + "/.tmp-\(getpid())-\(String(random.next(), radix: 16))"
        if (try? FileSystem.writeFile(temporary, data, exclusive: true)) != nil, rename(temporary, filePath) == 0 {
            return true
        }
        unlink(temporary)
        return false
    }

    /// Runs `body` holding an exclusive `flock` on the lock file beside the cache (which is never
    /// deleted, so every process locks the same inode). `flock` locks belong to the open file
    /// description, so two threads of one process exclude each other too. Returns `nil` when
    /// the folder or the lock file cannot be made.
    func withExclusiveLock<T>(_ body: () -> T) -> T? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = open(filePath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        defer { close(fd) }  // closing the descriptor releases the lock
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { return nil }
        }
        return body()
    }

    /// Waits until every stamped time is safely in the past, so that any later change to a
    /// stamped path gets a different timestamp. Returns false when that would take more than
    /// 3 s (a time in the future): the result must not be stored.
    static func waitUntilStampsAreInThePast(_ stamps: EnvironmentStamps) -> Bool {
        let deadline = stamps.safeAfterNanoseconds
        while true {
            let remaining = deadline - now()
            if remaining <= 0 { return true }
            if remaining > 3_000_000_000 { return false }
            usleep(useconds_t(min(remaining / 1_000 + 1, 100_000)))
        }
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// FNV-1a 64 of the path entries (NUL-separated): a short, stable file name. The entries
    /// themselves are stored in the file and compared, so a collision is only a miss.
    private static func hash(_ paths: [String]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, path) in paths.enumerated() {
            if index > 0 { value = value &* 0x0000_0100_0000_01B3 }  // the separator: 0 ^ value
            for byte in path.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return hex(value)
    }

    /// `String(value, radix: 16)`, without the generic integer formatting.
    private static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        var rest = value
        repeat {
            text.append(digits[Int(rest & 0xF)])
            rest >>= 4
        } while rest != 0
        return String(decoding: text.reversed(), as: UTF8.self)
    }
}
