import Environment

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension PersistentCacheFile {
    enum Opened {
        case hit(Reader)
        case absent
        case stale  // another environment state, format version or strict table
        case corrupt  // present but not an intact file of this format
    }

    /// Opens `path` and checks it against the current stamps: one `fstat` and, for a usual
    /// environment, one `pread` that also holds the smallest groups' slices.
    static func validate(
        _ path: String, version: Int, strategy: String, expecting stamps: EnvironmentStamps
    ) -> Opened {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .absent }
        var keep = false
        defer { if !keep { close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .corrupt }
        let size = Int(info.st_size)
        guard let start = read(fd, at: 0, count: min(size, firstRead)) else { return .corrupt }
        let line: Line
        switch Line.parse(start, version: version) {
        case .success(let parsed): line = parsed
        case .failure(.otherVersion): return .stale
        case .failure(.malformed): return .corrupt
        }
        guard line.end + line.header + line.table + line.body == size, line.header >= 8 else { return .corrupt }
        // The header as a range of `buffer`: usually inside the first read, else read whole.
        var buffer = start
        var header = line.end..<(line.end + line.header)
        if header.upperBound > start.count {
            guard let bytes = read(fd, at: line.end, count: line.header) else { return .corrupt }
            buffer = bytes
            header = 0..<line.header
        }
        let sealed = header.lowerBound..<(header.upperBound - 8)
        var seal = ByteReader(buffer, from: sealed.upperBound, to: header.upperBound)
        guard seal.integer(UInt64.self) == fnv1a64(buffer, sealed) else { return .corrupt }
        guard let expected = key(strategy: strategy, stamps: stamps)?.bytes,
            expected.count <= sealed.count, equal(buffer, at: sealed.lowerBound, expected)
        else { return .stale }
        var index = ByteReader(buffer, from: sealed.lowerBound + expected.count, to: sealed.upperBound)
        guard let groups = decodeIndex(&index, bodyLength: line.body) else { return .corrupt }
        let expectedTable = stamps.entryPointFiles?.bytes ?? []
        guard line.table == expectedTable.count else { return .stale }
        if line.table > 0 {
            // The strict check: one comparison of the whole table, no decoding.
            guard let table = read(fd, at: line.end + line.header, count: line.table) else { return .corrupt }
            guard table == expectedTable else { return .stale }
        }
        keep = true
        return .hit(
            Reader(
                fd: fd, bodyOffset: line.end + line.header + line.table, header: buffer, groups: groups, start: start))
    }

    /// The group index, every slice within the body and every name UTF-8; nil when anything does
    /// not add up. Names stay bytes: a hit compares one of them, it never needs them all as strings.
    static func decodeIndex(_ index: inout ByteReader, bodyLength: Int) -> [GroupIndex]? {
        // Every record holds at least a name length, offset, length, count and hash: 32 bytes.
        guard let count = index.integer(UInt32.self), Int(count) <= index.remaining / 32 else { return nil }
        var groups: [GroupIndex] = []
        groups.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = index.utf8(), let offset = index.integer(UInt64.self),
                let length = index.integer(UInt64.self), let entries = index.integer(UInt32.self),
                let checksum = index.integer(UInt64.self),
                offset <= UInt64(bodyLength), length <= UInt64(bodyLength) - offset
            else { return nil }
            groups.append(
                GroupIndex(
                    name: name, offset: Int(offset), length: Int(length), count: Int(entries), checksum: checksum))
        }
        return index.isAtEnd ? groups : nil
    }

    /// A group's slice, `bytes[range]`: exactly `count` entries filling it, or nil.
    static func decodeSlice(_ bytes: [UInt8], _ range: Range<Int>, group: String, count: Int) -> [EntryPoint]? {
        guard count <= range.count / 12 else { return nil }  // every entry holds three lengths
        var reader = ByteReader(bytes, from: range.lowerBound, to: range.upperBound)
        var entries: [EntryPoint] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let name = reader.string(), let value = reader.string(), let distribution = reader.string()
            else { return nil }
            entries.append(EntryPoint(name: name, group: group, value: value, distribution: distribution))
        }
        return reader.isAtEnd ? entries : nil
    }

    /// An open, validated cache file; reads group slices on demand. Owns its descriptor.
    final class Reader {
        private let fd: Int32
        private let bodyOffset: Int
        private let header: [UInt8]  // holds the index's names
        private let groups: [GroupIndex]
        private let start: [UInt8]  // the file's first bytes, already read

        init(fd: Int32, bodyOffset: Int, header: [UInt8], groups: [GroupIndex], start: [UInt8]) {
            self.fd = fd
            self.bodyOffset = bodyOffset
            self.header = header
            self.groups = groups
            self.start = start
        }

        deinit { close(fd) }

        /// The group's entry points ([] when the scan found none), or nil when the slice is damaged.
        func entries(group: String) -> [EntryPoint]? {
            let name = Array(group.utf8)
            guard
                let slice = groups.first(where: {
                    $0.name.count == name.count && equal(header, at: $0.name.lowerBound, name)
                })
            else { return [] }
            let offset = bodyOffset + slice.offset
            var bytes = start
            var range = offset..<(offset + slice.length)
            if range.upperBound > start.count {
                guard let read = PersistentCacheFile.read(fd, at: offset, count: slice.length) else { return nil }
                bytes = read
                range = read.indices
            }
            guard fnv1a64(bytes, range) == slice.checksum else { return nil }
            return PersistentCacheFile.decodeSlice(bytes, range, group: group, count: slice.count)
        }
    }

    /// Whether `bytes` holds `expected` at `offset` (which the caller has checked fits).
    static func equal(_ bytes: [UInt8], at offset: Int, _ expected: [UInt8]) -> Bool {
        if expected.isEmpty { return true }
        return bytes.withUnsafeBytes { buffer in
            expected.withUnsafeBytes { memcmp(buffer.baseAddress! + offset, $0.baseAddress!, $0.count) == 0 }
        }
    }

    /// Exactly `count` bytes at `offset`, or nil on a short read or an error.
    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n > 0 {
                    done += n
                } else if n == 0 || errno != EINTR {
                    failed = true
                    break
                }
            }
            // Bytes never read are zeroed so that the array is initialized either way.
            if done < count { buffer.baseAddress!.advanced(by: done).initialize(repeating: 0, count: count - done) }
            initialized = count
        }
        return failed ? nil : bytes
    }
}
