import Discovery
import Environment
import Foundation
import Model
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct PersistentCacheTests {
    private let group = MeltanoEntryPoints.stateBackendsGroup

    /// One session that looks `name` up; returns (scans, value found).
    private func cacheFiles(_ fixture: Fixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixture.cacheDirectory.path)
            .filter { $0.hasSuffix(".cache") }
            .map { fixture.cacheDirectory.path + "/" + $0 }
    }

    @Test func installAndRemovalAreSeenAndUnchangedIsFree() throws {
        let fixture = try Fixture()
        #expect(fixture.probe().scans == 1)
        #expect(fixture.probe().scans == 0)

        try fixture.install("meltano_dbm-0.1.dist-info", backend: "dbm", value: "dbm:V1")
        let afterInstall = fixture.probe()
        #expect(afterInstall.scans == 1 && afterInstall.value == "dbm:V1")
        let session = fixture.session(.persistent)
        #expect(session.backends(group: group, via: session.newAddonObject()).contains("dbm"))
        #expect(session.counters.scans == 0)

        try fixture.uninstall("meltano_dbm-0.1.dist-info")
        let afterRemoval = fixture.probe()
        #expect(afterRemoval.scans == 1 && afterRemoval.value == nil)
        #expect(fixture.probe().scans == 0)
    }

    @Test func removeThenAddOfTheSameNameWithinOneSecondIsNotStale() throws {
        let fixture = try Fixture()
        let folder = "meltano_dbm-0.1.dist-info"
        let start = Date()
        try fixture.install(folder, backend: "dbm", value: "dbm:V1")
        #expect(fixture.probe().value == "dbm:V1")
        try fixture.uninstall(folder)
        try fixture.install(folder, backend: "dbm", value: "dbm:V2")  // same name, new build
        let seen = fixture.probe()
        #expect(seen.scans == 1 && seen.value == "dbm:V2")
        try fixture.uninstall(folder)
        #expect(fixture.probe().value == nil)
        try fixture.install(folder, backend: "dbm", value: "dbm:V3")
        #expect(fixture.probe().value == "dbm:V3")
        #expect(fixture.probe().scans == 0)
        #expect(Date().timeIntervalSince(start) < 1.0, "the sequence must fit in one second to mean anything")
    }

    @Test func mtimeRestoredByAToolIsStillSeenThroughCtime() throws {
        let fixture = try Fixture()
        #expect(fixture.probe().scans == 1)
        let before = StatStamp(path: fixture.site)
        try fixture.install("meltano_dbm-0.1.dist-info", backend: "dbm")
        // Put the directory's mtime back to the exact old value, as `tar` or `rsync -t` can.
        let seconds = before.mtimeNanoseconds / 1_000_000_000
        let nanos = before.mtimeNanoseconds % 1_000_000_000
        var times = [
            timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos)),
            timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos)),
        ]
        #expect(utimensat(AT_FDCWD, fixture.site, &times, 0) == 0)
        #expect(StatStamp(path: fixture.site).mtimeNanoseconds == before.mtimeNanoseconds)
        #expect(fixture.probe().value == "addon.backend:Manager")
    }

    @Test func corruptOrForeignCacheFilesAreMissesNotCrashes() throws {
        let fixture = try Fixture()
        #expect(fixture.probe().scans == 1)
        let file = try #require(try cacheFiles(fixture).first)
        let good = try Data(contentsOf: URL(fileURLWithPath: file))

        for garbage in [Data("{not json".utf8), good.prefix(good.count / 2), Data([0xFF, 0x00, 0x13]), Data()] {
            try garbage.write(to: URL(fileURLWithPath: file))
            let result = fixture.probe(name: "s3")
            #expect(result.scans == 1 && result.counters.persistentCorrupt == 1)
            #expect(result.value == "meltano.core.state_store.s3:S3StateStoreManager")
            #expect(fixture.probe().scans == 0)  // rewritten by the miss
        }

        // A well-formed file of another format version: a plain miss, not a corrupt one.
        var foreign = try #require(String(data: good, encoding: .isoLatin1))
        let version = try #require(foreign.split(separator: " ").dropFirst().first)  // the current format's
        foreign = foreign.replacingOccurrences(
            of: "simulate-entry-points \(version) ", with: "simulate-entry-points 999 ")
        try #require(foreign.data(using: .isoLatin1)).write(to: URL(fileURLWithPath: file))
        let other = fixture.probe()
        #expect(other.scans == 1 && other.counters.persistentCorrupt == 0)
    }

    /// A hit reads the header only; a group's slice is read when the group is first used. A
    /// damaged slice behind a valid header is found then, counted, and answered by a scan.
    @Test func aDamagedGroupSliceIsAScanNotAWrongAnswer() throws {
        let fixture = try Fixture()
        #expect(fixture.probe().scans == 1)
        let file = try #require(try cacheFiles(fixture).first)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        let bodyStart = newline + 1 + fields[1] + fields[2]
        for i in bodyStart..<bytes.count { bytes[i] = 0x20 }  // same size: the header still checks out
        try Data(bytes).write(to: URL(fileURLWithPath: file))

        let damaged = fixture.probe(name: "s3")
        #expect(damaged.counters.persistentHits == 1 && damaged.counters.persistentCorrupt == 1)
        #expect(damaged.scans == 1 && damaged.value == "meltano.core.state_store.s3:S3StateStoreManager")
        let again = fixture.probe(name: "s3")
        #expect(again.scans == 0 && again.value == "meltano.core.state_store.s3:S3StateStoreManager")
    }

    @Test func strictSeesAnInPlaceRewriteThatPersistentDoesNot() throws {
        let fixture = try Fixture()
        let folder = try fixture.install("meltano_dbm-0.1.dist-info", backend: "dbm", value: "dbm:OLD")
        #expect(fixture.probe(.persistent).value == "dbm:OLD")
        #expect(fixture.probe(.persistentStrict).value == "dbm:OLD")

        // An editable install rewrites the file inside its existing dist-info.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/entry_points.txt"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("[meltano.state_backends]\ndbm = dbm:NEW\n".utf8))
        try handle.close()

        let loose = fixture.probe(.persistent)
        #expect(loose.scans == 0 && loose.value == "dbm:OLD")  // documented trade-off: O(1) stats
        let strict = fixture.probe(.persistentStrict)
        #expect(strict.scans == 1 && strict.value == "dbm:NEW")
        #expect(fixture.probe(.persistentStrict).scans == 0)
    }

    @Test func eachPathEntryIsWatchedAndKeysDifferByPathEntries() throws {
        let fixture = try Fixture()
        let extra = fixture.root.path + "/extra"
        try FileManager.default.createDirectory(atPath: extra, withIntermediateDirectories: false)
        let paths = fixture.environment.pathEntries + [extra]
        let scanner = EntryPointScanner(pathEntries: paths)
        func session() -> DiscoverySession {
            DiscoverySession(
                strategy: .persistent, pathEntries: paths,
                persistentCacheDirectory: fixture.cacheDirectory
            ) { scanner.scan() }
        }
        #expect(fixture.probe().scans == 1)  // the single-entry key
        let first = session()
        _ = first.backends(group: group, via: first.newAddonObject())
        #expect(first.counters.scans == 1)  // a different key: its own cache file
        try FileManager.default.createDirectory(
            atPath: extra + "/late-1.0.dist-info", withIntermediateDirectories: false)
        try Data("[meltano.state_backends]\nlate = late:M\n".utf8)
            .write(to: URL(fileURLWithPath: extra + "/late-1.0.dist-info/entry_points.txt"))
        let second = session()
        #expect(second.backends(group: group, via: second.newAddonObject()).last == "late")
        #expect(second.counters.scans == 1)
        #expect(try cacheFiles(fixture).count == 2)
    }

    @Test func withoutAUsableCacheFolderEverySessionScansOnce() throws {
        let fixture = try Fixture()
        let blocker = fixture.root.path + "/a-file"
        try Data().write(to: URL(fileURLWithPath: blocker))
        for directory in [nil, URL(fileURLWithPath: blocker + "/cache")] {
            for _ in 0..<2 {
                let session = DiscoverySession(
                    strategy: .persistent, pathEntries: fixture.environment.pathEntries,
                    persistentCacheDirectory: directory
                ) {
                    EntryPointScanner(pathEntries: fixture.environment.pathEntries).scan()
                }
                #expect(runScript(session).backends.first == ["systemdb", "azure", "file", "gs", "s3"])
                #expect(session.counters.scans == 1 && session.counters.persistentMisses == 1)
            }
        }
    }

    /// On kernels with coarse file timestamps a change in the same clock tick as the stored
    /// stamp would keep the same mtime. The cache therefore scans only once every stamped time
    /// is older than the tick (20 ms), or than 2.1 s for a whole-second time (coarse file systems).
    @Test(arguments: [false, true])
    func aMissScansOnlyOnceTheStampsAreSafelyInThePast(wholeSecond: Bool) throws {
        let fixture = try Fixture()
        try fixture.install("fresh-1.0.dist-info", backend: "fresh")  // mtime: now
        if wholeSecond {
            var times = [timespec(tv_sec: time(nil), tv_nsec: 0), timespec(tv_sec: time(nil), tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, fixture.site, &times, 0) == 0)
        }
        let stamp = StatStamp(path: fixture.site)
        let scanStarted = Locked<Int64>(0)
        let session = DiscoverySession(
            strategy: .persistent, pathEntries: fixture.environment.pathEntries,
            persistentCacheDirectory: fixture.cacheDirectory
        ) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            scanStarted.withValue { $0 = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) }
            return EntryPointScanner(pathEntries: fixture.environment.pathEntries).scan()
        }
        #expect(session.lookup(group: group, name: "fresh", via: session.newAddonObject()) != nil)
        let mtimeMargin: Int64 = wholeSecond ? 2_100_000_000 : 20_000_000
        let deadline = max(stamp.mtimeNanoseconds + mtimeMargin, stamp.ctimeNanoseconds + 20_000_000)
        #expect(scanStarted.withValue { $0 } >= deadline)
        #expect(session.counters.persistentWritesSkipped == 0)
    }

    @Test func futureTimestampsAreNotTrustedAndDoNotHang() throws {
        let fixture = try Fixture()
        let future = Date().addingTimeInterval(3600)
        try FileManager.default.setAttributes([.modificationDate: future], ofItemAtPath: fixture.site)
        let started = Date()
        let first = fixture.probe()
        #expect(first.scans == 1 && first.counters.persistentWritesSkipped == 1)
        #expect(fixture.probe().scans == 1)  // nothing stored that could later go stale
        #expect(Date().timeIntervalSince(started) < 2)
    }
}
