#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Environment
import Foundation

/// What a persistent cache entry is valid for.
struct EnvironmentStamps: Codable, Equatable {
    /// One stamp per path entry (both persistent strategies).
    var pathEntries: [PathEntryStamp]
    /// One stamp per `entry_points.txt` (`persistent-strict` only).
    var entryPointFiles: [FileStamp]?

    var statCount: Int { pathEntries.count + (entryPointFiles?.count ?? 0) }

    var all: [StatStamp] { pathEntries.map(\.stamp) + (entryPointFiles ?? []).map(\.stamp) }
}

/// The cross-process cache file of the persistent strategies:
/// `<directory>/entry-points[-strict]-v<format>-<hash of path entries>.json`, beside a `.lock`.
/// JSON: format version, strategy, path entries, stamps, entry points.
struct PersistentEntryPointCache {
    static let formatVersion = 1

    struct Contents: Codable {
        var formatVersion: Int
        var strategy: String
        var pathEntries: [String]
        var stamps: EnvironmentStamps
        var entryPoints: [EntryPoint]
    }

    enum ReadOutcome {
        case hit([EntryPoint])
        case absent
        case stale    // another environment state, format or key
        case corrupt  // present but not decodable
    }

    let directory: String
    let pathEntries: [String]
    let strict: Bool
    let filePath: String

    init(directory: URL, pathEntries: [String], strict: Bool) {
        self.directory = directory.standardizedFileURL.path
        self.pathEntries = pathEntries
        self.strict = strict
        let kind = strict ? "entry-points-strict" : "entry-points"
        filePath = self.directory + "/\(kind)-v\(Self.formatVersion)-\(Self.hash(pathEntries)).json"
    }

    /// The current environment's stamps: O(path entries) `stat` calls, plus O(N) when strict.
    func stamps() -> EnvironmentStamps {
        EnvironmentStamps(pathEntries: EnvironmentFingerprint.pathEntries(pathEntries),
                          entryPointFiles: strict ? EnvironmentFingerprint.entryPointFiles(pathEntries) : nil)
    }

    /// Reads the cache file; a hit needs the same format, key and stamps.
    func read(expecting stamps: EnvironmentStamps) -> ReadOutcome {
        guard let data = FileManager.default.contents(atPath: filePath) else { return .absent }
        guard let contents = try? JSONDecoder().decode(Contents.self, from: data) else { return .corrupt }
        guard contents.formatVersion == Self.formatVersion, contents.pathEntries == pathEntries,
              contents.stamps == stamps else { return .stale }
        return .hit(contents.entryPoints)
    }

    /// Writes atomically: a temporary file in the same folder, then `rename`, so readers see
    /// the old file or the new one, never a partial one. No `fsync`: after a power cut a torn
    /// file decodes as corrupt, which is a miss, not a wrong answer.
    func write(stamps: EnvironmentStamps, entryPoints: [EntryPoint]) -> Bool {
        let contents = Contents(formatVersion: Self.formatVersion, strategy: strict ? "persistent-strict" : "persistent",
                                pathEntries: pathEntries, stamps: stamps, entryPoints: entryPoints)
        guard let data = try? JSONEncoder().encode(contents) else { return false }
        var random = SystemRandomNumberGenerator()
        let temporary = directory + "/.tmp-\(getpid())-\(String(random.next(), radix: 16))"
        // `.withoutOverwriting` creates the file exclusively (O_EXCL) and writes it in place.
        let ok = (try? data.write(to: URL(fileURLWithPath: temporary), options: [.withoutOverwriting])) != nil
        if ok, rename(temporary, filePath) == 0 { return true }
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
    /// stamped path gets a different timestamp. File times come from the kernel's coarse clock
    /// (one tick behind at most, ≤ 10 ms) truncated to the file system's granularity; a time
    /// with zero nanoseconds may come from a 1 s or 2 s granularity file system. Returns false
    /// when that would take more than 3 s (a time in the future): the result must not be stored.
    static func waitUntilStampsAreInThePast(_ stamps: EnvironmentStamps) -> Bool {
        var deadline: Int64 = 0
        for stamp in stamps.all where stamp.status == .present {
            for time in [stamp.mtimeNanoseconds, stamp.ctimeNanoseconds] {
                let margin: Int64 = time % 1_000_000_000 == 0 ? 2_100_000_000 : 20_000_000
                deadline = max(deadline, time + margin)
            }
        }
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
        for byte in paths.joined(separator: "\u{0}").utf8 {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return String(value, radix: 16)
    }
}
