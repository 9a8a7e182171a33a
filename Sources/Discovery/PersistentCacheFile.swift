import Environment
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The persistent cache's file format, built so that a hit reads only what it needs:
///
///     simulate-entry-points <version> <header bytes> <table bytes> <body bytes>\n
///     <header: JSON {strategy, pathEntries, stamps, groups: [{name, offset, length, count}]}>
///     <strict stamp table: StampTable bytes, empty for `persistent`>
///     <body: one slice per group, each a JSON array of [name, value, distribution]>
///
/// A hit stats the path entries, reads the first line and the small header, compares, and then
/// reads one group's slice when that group is first used (`pread` on the descriptor it validated,
/// so a concurrent rename cannot mix two versions). Whole-file JSON decoding is what made a hit
/// O(entry points); this keeps it O(path entries) plus the groups actually used.
enum PersistentCacheFile {
    static let magic = "simulate-entry-points"

    struct GroupIndex: Codable, Equatable {
        var name: String
        var offset: Int
        var length: Int
        var count: Int
    }

    struct Header: Codable {
        var strategy: String
        var pathEntries: [String]
        var stamps: [PathEntryStamp]
        var groups: [GroupIndex]
    }

    /// Serializes a scan's entry points; groups keep the order they first appear in, entries
    /// keep discovery order within a group.
    static func encode(
        version: Int, strategy: String, pathEntries: [String], stamps: EnvironmentStamps,
        entryPoints: [EntryPoint]
    ) throws -> Data {
        var order: [String] = []
        var byGroup: [String: [[String]]] = [:]
        for ep in entryPoints {
            if byGroup[ep.group] == nil { order.append(ep.group) }
            byGroup[ep.group, default: []].append([ep.name, ep.value, ep.distribution])
        }
        var body = Data()
        var index: [GroupIndex] = []
        for group in order {
            let slice = try JSONSerialization.data(withJSONObject: byGroup[group]!)
            index.append(GroupIndex(name: group, offset: body.count, length: slice.count, count: byGroup[group]!.count))
            body.append(slice)
        }
        let header = try JSONEncoder().encode(
            Header(
                strategy: strategy, pathEntries: pathEntries,
                stamps: stamps.pathEntries, groups: index))
        let table = stamps.entryPointFiles?.bytes ?? []
        var file = Data("\(magic) \(version) \(header.count) \(table.count) \(body.count)\n".utf8)
        file.append(header)
        file.append(contentsOf: table)
        file.append(body)
        return file
    }

    /// An open, validated cache file; reads group slices on demand. Owns its descriptor.
    final class Reader {
        private let fd: Int32
        private let bodyOffset: Int
        private let groups: [String: GroupIndex]

        init(fd: Int32, bodyOffset: Int, groups: [GroupIndex]) {
            self.fd = fd
            self.bodyOffset = bodyOffset
            self.groups = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }

        deinit { close(fd) }

        /// The group's entry points ([] when the scan found none), or nil when the slice is damaged.
        func entries(group: String) -> [EntryPoint]? {
            guard let slice = groups[group] else { return [] }
            guard let bytes = PersistentCacheFile.read(fd, at: bodyOffset + slice.offset, count: slice.length),
                let rows = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String]],
                rows.count == slice.count, rows.allSatisfy({ $0.count == 3 })
            else { return nil }
            return rows.map { EntryPoint(name: $0[0], group: group, value: $0[1], distribution: $0[2]) }
        }
    }

    enum Opened {
        case hit(Reader)
        case absent
        case stale  // another environment state, format, strategy or key
        case corrupt  // present but not a file of this format
    }

    /// Opens `path` and checks it against the current stamps without reading any group.
    static func validate(
        _ path: String, version: Int, strategy: String, pathEntries: [String],
        expecting stamps: EnvironmentStamps
    ) -> Opened {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .absent }
        var keep = false
        defer { if !keep { close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .corrupt }
        let size = Int(info.st_size)
        guard let start = read(fd, at: 0, count: min(size, 256)), let newline = start.firstIndex(of: 0x0A),
            let line = String(validating: start[..<newline], as: UTF8.self)
        else { return .corrupt }
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count == 5, fields[0] == magic, let found = Int(fields[1]) else { return .corrupt }
        guard found == version else { return .stale }
        guard let headerLength = Int(fields[2]), let tableLength = Int(fields[3]), let bodyLength = Int(fields[4]),
            headerLength >= 0, tableLength >= 0, bodyLength >= 0,
            newline + 1 + headerLength + tableLength + bodyLength == size,
            let headerBytes = read(fd, at: newline + 1, count: headerLength),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes))
        else { return .corrupt }
        guard header.strategy == strategy, header.pathEntries == pathEntries, header.stamps == stamps.pathEntries,
            header.groups.allSatisfy({ $0.offset >= 0 && $0.length >= 0 && $0.offset + $0.length <= bodyLength })
        else { return .stale }
        let expectedTable = stamps.entryPointFiles?.bytes ?? []
        guard tableLength == expectedTable.count else { return .stale }
        if tableLength > 0 {
            // The strict check: one comparison of the whole table, no decoding.
            guard let table = read(fd, at: newline + 1 + headerLength, count: tableLength) else { return .corrupt }
            guard table == expectedTable else { return .stale }
        }
        keep = true
        return .hit(Reader(fd: fd, bodyOffset: newline + 1 + headerLength + tableLength, groups: header.groups))
    }

    /// Exactly `count` bytes at `offset`, or nil on a short read or an error.
    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n > 0 {
                done += n
            } else if n == 0 || errno != EINTR {
                return nil
            }
        }
        return bytes
    }
}
