import Foundation
import TestSupport
import Testing

@testable import Discovery
@testable import Environment  // a StampTable from bytes

/// The binary cache file on its own: a round trip, and every kind of damage is a miss (stale or
/// corrupt), never a crash and never a wrong answer.
@Suite struct PersistentCacheFileTests {
    private let version = PersistentEntryPointCache.formatVersion
    private let strategy = "persistent"
    private let entryPoints = [
        EntryPoint(name: "s3", group: "meltano.state_backends", value: "pkg.s3:Manager", distribution: "a-1.dist-info"),
        EntryPoint(name: "run", group: "console_scripts", value: "pkg.cli:main", distribution: "a-1.dist-info"),
        EntryPoint(name: "gs", group: "meltano.state_backends", value: "pkg.gs:Manager", distribution: "b-2.dist-info"),
        EntryPoint(name: "évé", group: "ünï", value: "", distribution: "c-3.dist-info"),
        EntryPoint(name: "", group: "", value: "x:y", distribution: "d-4.dist-info"),
    ]

    private func stamps(mtime: Int64 = 1_700_000_000_123_456_789, table: [UInt8]? = nil) -> EnvironmentStamps {
        let stamp = StatStamp(
            status: .present, device: 7, inode: 42, size: 4096, mtimeNanoseconds: mtime, ctimeNanoseconds: mtime)
        return EnvironmentStamps(
            pathEntries: [PathEntryStamp(path: "/site-packages", stamp: stamp)],
            entryPointFiles: table.map { StampTable(bytes: $0, count: 1, safeAfterNanoseconds: 0) })
    }

    /// Writes `bytes` and opens them as a cache file.
    private func open(_ bytes: [UInt8], _ expecting: EnvironmentStamps? = nil) throws -> PersistentCacheFile.Opened {
        let directory = TemporaryDirectory()
        let path = directory.file("entry-points.cache")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return PersistentCacheFile.validate(
            path, version: version, strategy: strategy, expecting: expecting ?? stamps())
    }

    private func encoded(_ stamps: EnvironmentStamps? = nil) throws -> [UInt8] {
        try #require(
            PersistentCacheFile.encode(
                version: version, strategy: strategy, stamps: stamps ?? self.stamps(), entryPoints: entryPoints))
    }

    /// Every group the scan found, read through `reader`: nil when any slice is damaged.
    private func groups(_ reader: PersistentCacheFile.Reader) -> [String: [EntryPoint]]? {
        var found: [String: [EntryPoint]] = [:]
        for group in Set(entryPoints.map(\.group)) {
            guard let entries = reader.entries(group: group) else { return nil }
            found[group] = entries
        }
        return found
    }

    private var expectedGroups: [String: [EntryPoint]] { Dictionary(grouping: entryPoints, by: \.group) }

    @Test func aRoundTripReturnsEveryGroupInDiscoveryOrder() throws {
        guard case .hit(let reader) = try open(try encoded()) else {
            Issue.record("expected a hit")
            return
        }
        #expect(groups(reader) == expectedGroups)
        #expect(reader.entries(group: "no.such.group") == [])
    }

    @Test func aRoundTripWithAStrictTableComparesIt() throws {
        let strict = stamps(table: [1, 2, 3, 4, 5])
        guard case .hit(let reader) = try open(try encoded(strict), strict) else {
            Issue.record("expected a hit")
            return
        }
        #expect(groups(reader) == expectedGroups)
        #expect(isStale(try open(try encoded(strict), stamps(table: [1, 2, 3, 4, 6]))))
        #expect(isStale(try open(try encoded(strict), stamps())))
    }

    @Test func otherStampsStrategyOrVersionAreStale() throws {
        #expect(isStale(try open(try encoded(), stamps(mtime: 1_700_000_000_123_456_790))))
        let other = try #require(
            PersistentCacheFile.encode(
                version: version, strategy: "persistent-strict", stamps: stamps(), entryPoints: entryPoints))
        #expect(isStale(try open(other)))
        let newer = try #require(
            PersistentCacheFile.encode(version: version + 1, strategy: strategy, stamps: stamps(), entryPoints: []))
        #expect(isStale(try open(newer)))
    }

    @Test func aFileTruncatedAtAnyOffsetIsCorrupt() throws {
        let good = try encoded()
        for length in 0..<good.count {
            #expect(isCorrupt(try open(Array(good.prefix(length)))), "truncated to \(length) bytes")
        }
        #expect(isCorrupt(try open(good + [0])), "one byte too many")
    }

    /// Any flipped bit makes the file stale or corrupt, or its slice refused: a hit never answers
    /// differently.
    @Test func aFlippedBitAnywhereIsNeverAWrongAnswer() throws {
        let good = try encoded(stamps(table: [9, 9, 9]))
        for offset in good.indices {
            for bit in [0, 5, 7] {
                var bytes = good
                bytes[offset] ^= UInt8(1 << bit)
                if case .hit(let reader) = try open(bytes, stamps(table: [9, 9, 9])) {
                    let found = groups(reader)
                    #expect(found == nil || found! == expectedGroups, "byte \(offset) bit \(bit)")
                }
            }
        }
    }

    @Test func wrongMagicIsCorrupt() throws {
        var bytes = try encoded()
        bytes[0] = UInt8(ascii: "S")
        #expect(isCorrupt(try open(bytes)))
        #expect(isCorrupt(try open(Array("{\"strategy\": \"persistent\"}".utf8))))
        #expect(isCorrupt(try open([0xFF, 0x00, 0x13])))
    }

    @Test func malformedFirstLinesAreCorrupt() throws {
        for line in [
            "simulate-entry-points \(version)\n", "simulate-entry-points \(version) 1 2\n",
            "simulate-entry-points \(version) 1 2 3 4\n", "simulate-entry-points \(version) -1 0 0\n",
            "simulate-entry-points \(version)  8 0 0\n", "simulate-entry-points \(version) 9999999999999999 0 0\n",
            "simulate-entry-points \(version) 999999999999999 999999999999999 999999999999999\n",
            "simulate-entry-points \(version) 8 0 0", "simulate-entry-points \(version) 8 0 0\r\n",
        ] {
            #expect(isCorrupt(try open(Array(line.utf8) + [UInt8](repeating: 0, count: 8))), "\(line)")
        }
    }

    @Test func countsThatOverflowTheFileAreCorrupt() throws {
        let key = try #require(PersistentCacheFile.key(strategy: strategy, stamps: stamps())).bytes
        let slice = try slice([("s3", "v", "d")])
        // A group count far beyond the header.
        #expect(isCorrupt(try open(file(key: key, index: count(UInt32.max)))))
        // A slice running past the body, and one starting past it.
        #expect(isCorrupt(try open(file(key: key, index: group("g", 0, slice.count + 1, 1, slice), body: slice))))
        #expect(isCorrupt(try open(file(key: key, index: group("g", slice.count + 1, 0, 0, []), body: slice))))
        #expect(isCorrupt(try open(file(key: key, index: group("g", 0, Int(UInt64.max >> 1), 1, slice), body: slice))))
        // An entry count the slice cannot hold: the slice is refused when read.
        for entries in [2, 1 << 20, Int(UInt32.max)] {
            let opened = try open(file(key: key, index: group("g", 0, slice.count, entries, slice), body: slice))
            guard case .hit(let reader) = opened else {
                Issue.record("expected a hit with a damaged slice")
                continue
            }
            #expect(reader.entries(group: "g") == nil)
        }
        // A string length beyond the slice.
        var long = slice
        long[0] = 0xFF
        let opened = try open(file(key: key, index: group("g", 0, long.count, 1, long), body: long))
        if case .hit(let reader) = opened { #expect(reader.entries(group: "g") == nil) }
        // Bytes left over after the index.
        #expect(isCorrupt(try open(file(key: key, index: count(0) + [0]))))
    }

    @Test func nonUTF8NamesAreRefused() throws {
        let key = try #require(PersistentCacheFile.key(strategy: strategy, stamps: stamps())).bytes
        var bad = try slice([("s3", "v", "d")])
        bad[4] = 0xFF  // the first byte of the name
        let opened = try open(file(key: key, index: group("g", 0, bad.count, 1, bad), body: bad))
        guard case .hit(let reader) = opened else {
            Issue.record("expected a hit with a damaged slice")
            return
        }
        #expect(reader.entries(group: "g") == nil)
        // A group name that is not UTF-8: the index itself is damaged.
        var index = group("gg", 0, 0, 0, [])
        index[8] = 0xC3  // "g" + a lone lead byte
        #expect(isCorrupt(try open(file(key: key, index: index))))
    }

    // MARK: building files by hand

    private func isStale(_ opened: PersistentCacheFile.Opened) -> Bool {
        if case .stale = opened { return true }
        return false
    }

    private func isCorrupt(_ opened: PersistentCacheFile.Opened) -> Bool {
        if case .corrupt = opened { return true }
        return false
    }

    private func count(_ value: UInt32) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(value)
        return writer.bytes
    }

    /// A one-group index.
    private func group(_ name: String, _ offset: Int, _ length: Int, _ entries: Int, _ slice: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(UInt32(1))
        _ = writer.append(name)
        writer.append(UInt64(offset))
        writer.append(UInt64(length))
        writer.append(UInt32(entries))
        writer.append(fnv1a64(slice, slice.indices))
        return writer.bytes
    }

    private func slice(_ rows: [(String, String, String)]) throws -> [UInt8] {
        var writer = ByteWriter()
        for (name, value, distribution) in rows {
            try #require(
                writer.append(name) != nil && writer.append(value) != nil && writer.append(distribution) != nil)
        }
        return writer.bytes
    }

    /// A file with a valid seal around `key` and `index`, so only the part under test is wrong.
    private func file(key: [UInt8], index: [UInt8], body: [UInt8] = []) -> [UInt8] {
        var header = ByteWriter(bytes: key + index)
        header.append(fnv1a64(header.bytes, header.bytes.indices))
        let line = "\(PersistentCacheFile.magic) \(version) \(header.bytes.count) 0 \(body.count)\n"
        return Array(line.utf8) + header.bytes + body
    }
}
