#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `stat` of every distribution's `entry_points.txt` in a compact binary form that two
/// processes can compare with one `memcmp`: what `persistent-strict` validates a hit with.
///
/// Layout, per path entry: `0x01` and the entry's index (4 bytes, little-endian); then per
/// metadata folder, in `readdir` order: the folder name,
/// a NUL, the status (1 byte: 0 present, 1 missing, 2 unreadable), then device, inode, size,
/// mtime and ctime (8 bytes each, little-endian; nanoseconds for the times).
public struct StampTable: Equatable, Sendable {
    /// The encoded stamps.
    public var bytes: [UInt8]
    /// How many `stat` calls made it (one per metadata folder).
    public var count: Int
    /// The earliest wall-clock time (ns since the epoch) at which every stamped time is safely in
    /// the past (see `StampTable.safeAfter`); 0 when nothing was present.
    public var safeAfterNanoseconds: Int64

    /// Lists each path entry once and stats `<folder>/entry_points.txt` relative to the entry's
    /// directory descriptor (`fstatat`): one short lookup per distribution instead of a walk from
    /// `/`, and no file is opened or read. A path entry that cannot be listed contributes only
    /// its marker, so it still differs from one that can.
    public static func entryPointFiles(_ paths: [String]) -> StampTable {
        var table = StampTable(bytes: [], count: 0, safeAfterNanoseconds: 0)
        table.bytes.reserveCapacity(64 * 1024)
        for (index, entry) in paths.enumerated() {
            table.bytes.append(0x01)
            table.append(UInt32(truncatingIfNeeded: index))
            let root = entry.isEmpty ? "." : entry
            guard case .success(let listing) = FileSystem.list(root) else { continue }
            let directory = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directory >= 0 else { continue }
            defer { close(directory) }
            // Not sorted: a directory whose own stamp is unchanged lists in the same order, and a
            // different order only makes the tables differ: a needless miss, never a stale hit.
            for folder in listing.names where FileSystem.isDistributionFolderName(folder) {
                table.bytes.append(contentsOf: folder.utf8)
                table.bytes.append(0)
                var info = stat()
                if fstatat(directory, folder + "/entry_points.txt", &info, 0) == 0 {
                    let stamp = StatInfo(info)
                    table.bytes.append(0)
                    table.append(stamp.device)
                    table.append(stamp.inode)
                    table.append(UInt64(bitPattern: stamp.size))
                    table.append(UInt64(bitPattern: stamp.mtimeNanoseconds))
                    table.append(UInt64(bitPattern: stamp.ctimeNanoseconds))
                    table.safeAfterNanoseconds = max(
                        table.safeAfterNanoseconds,
                        Self.safeAfter(stamp.mtimeNanoseconds),
                        Self.safeAfter(stamp.ctimeNanoseconds))
                } else {
                    table.bytes.append(errno == ENOENT || errno == ENOTDIR ? 1 : 2)
                    table.bytes.append(contentsOf: repeatElement(0, count: 40))
                }
                table.count += 1
            }
        }
        return table
    }

    /// When a stamped time is safely in the past: file times come from the kernel's coarse clock
    /// (one tick behind at most, ≤ 10 ms) truncated to the file system's granularity, so a later
    /// change in the same tick could keep the same time. A time with zero nanoseconds may come
    /// from a file system with 1 s or 2 s granularity.
    public static func safeAfter(_ time: Int64) -> Int64 {
        time + (time % 1_000_000_000 == 0 ? 2_100_000_000 : 20_000_000)
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
