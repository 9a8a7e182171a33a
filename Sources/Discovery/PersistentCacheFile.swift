import Environment

/// The persistent cache's file format (version 3), built so that a hit reads a few hundred bytes
/// and decodes only the group it uses, without Foundation:
///
///     simulate-entry-points <version> <header bytes> <table bytes> <body bytes>\n
///     <header: key, group index, seal>
///     <strict stamp table: StampTable bytes, empty for `persistent`>
///     <body: one slice per group>
///
/// Integers are little-endian; a string is a `UInt32` byte count and UTF-8 bytes.
///
/// - key: the strategy, the path-entry count (`UInt32`), then per path entry its path, `stat`
///   status (`UInt8`: 0 present, 1 missing, 2 unreadable), device, inode, size, mtime and ctime
///   (`UInt64` each). A hit encodes the current stamps the same way and compares bytes.
/// - group index: the group count (`UInt32`), then per group its name, the slice's offset and
///   length in the body (`UInt64` each), its entry count (`UInt32`) and its FNV-1a 64 (`UInt64`).
/// - seal: the FNV-1a 64 of key and index (`UInt64`).
/// - slice: per entry point its name, value and distribution. Slices are stored smallest first.
///
/// A hit (`validate`, in `PersistentCacheReader.swift`) stats the path entries, reads the start
/// of the file with one `pread` (the line, the header and the smallest slices when they fit),
/// checks the seal and compares the key. A group's slice is decoded when the group is first used,
/// from that buffer or with a `pread` on the descriptor it validated (so a concurrent rename
/// cannot mix two versions), after checking its hash. Anything malformed is `corrupt`; another
/// version, key or strict table is `stale`.
enum PersistentCacheFile {
    static let magic = "simulate-entry-points"
    /// One `pread` of this much covers the line, the header and the small groups of a usual
    /// environment (one path entry, a dozen groups).
    static let firstRead = 4096

    /// One group's record in the index; its name stays as bytes of the header until compared.
    struct GroupIndex: Equatable {
        var name: Range<Int>
        var offset: Int
        var length: Int
        var count: Int
        var checksum: UInt64
    }

    /// Serializes a scan's entry points; the index lists groups in the order they first appear,
    /// entries keep discovery order within a group. Nil when a string is too long for the format.
    static func encode(
        version: Int, strategy: String, stamps: EnvironmentStamps, entryPoints: [EntryPoint]
    ) -> [UInt8]? {
        var order: [String] = []
        var byGroup: [String: ByteWriter] = [:]
        var counts: [String: Int] = [:]
        for ep in entryPoints {
            if byGroup[ep.group] == nil { order.append(ep.group) }
            counts[ep.group, default: 0] += 1
            guard byGroup[ep.group, default: ByteWriter()].append(ep.name) != nil,
                byGroup[ep.group]!.append(ep.value) != nil, byGroup[ep.group]!.append(ep.distribution) != nil
            else { return nil }
        }
        guard var header = key(strategy: strategy, stamps: stamps) else { return nil }
        // Smallest slices first, so the first read of a hit usually holds the group it wants.
        let placed = order.enumerated().sorted {
            (byGroup[$0.1]!.bytes.count, $0.0) < (byGroup[$1.1]!.bytes.count, $1.0)
        }
        var body: [UInt8] = []
        header.append(UInt32(order.count))
        for (_, group) in placed {
            let slice = byGroup[group]!.bytes
            guard header.append(group) != nil, let count = UInt32(exactly: counts[group]!) else { return nil }
            header.append(UInt64(body.count))
            header.append(UInt64(slice.count))
            header.append(count)
            header.append(fnv1a64(slice, slice.indices))
            body.append(contentsOf: slice)
        }
        header.append(fnv1a64(header.bytes, header.bytes.indices))
        let table = stamps.entryPointFiles?.bytes ?? []
        var file = Array("\(magic) \(version) \(header.bytes.count) \(table.count) \(body.count)\n".utf8)
        file.append(contentsOf: header.bytes)
        file.append(contentsOf: table)
        file.append(contentsOf: body)
        return file
    }

    /// What a hit must find at the start of the header: the strategy and the path entries' stamps.
    static func key(strategy: String, stamps: EnvironmentStamps) -> ByteWriter? {
        var key = ByteWriter()
        key.bytes.reserveCapacity(64 + 96 * stamps.pathEntries.count)
        guard key.append(strategy) != nil, let count = UInt32(exactly: stamps.pathEntries.count) else { return nil }
        key.append(count)
        for entry in stamps.pathEntries {
            guard key.append(entry.path) != nil else { return nil }
            let stamp = entry.stamp
            key.append(UInt8(stamp.status == .present ? 0 : stamp.status == .missing ? 1 : 2))
            key.append(stamp.device)
            key.append(stamp.inode)
            key.append(stamp.size)
            key.append(stamp.mtimeNanoseconds)
            key.append(stamp.ctimeNanoseconds)
        }
        return key
    }
}
