import Discovery
import Environment
import Foundation
import Model
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stevedore-style comparison strategy reproduces stevedore's design, including its flaws.
@Suite struct StevedoreStyleTests {

    @Test func sha256MatchesTheStandardVectors() {
        let vectors = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ]
        for (text, digest) in vectors {
            var hash = SHA256()
            hash.update(text)
            #expect(hash.hexDigest() == digest, "\(text)")
        }
        var split = SHA256()  // the same bytes fed in pieces
        split.update("abcdbcdecdefdefgefghfghighijhijk")
        split.update(bytes: Array("ijkljklmklmnlmnomnopnopq".utf8))
        #expect(split.hexDigest() == vectors[2].1)
    }

    @Test func aHitStatsEveryMetadataFolderAndInstallsAreSeen() throws {
        let fixture = try Fixture()
        #expect(fixture.probe(.stevedore).scans == 1)
        let hit = fixture.probe(.stevedore)
        #expect(hit.scans == 0 && hit.counters.persistentHits == 1)
        // One stat of the path entry, one lstat per dist-info folder, one stat per entry_points.txt.
        let n = fixture.environment.distributionCount
        let files = fixture.environment.entryPointFileCount
        #expect(hit.counters.validationStats == 1 + n + files)

        var before = stat()
        #expect(stat(fixture.site, &before) == 0)
        try fixture.install("meltano_dbm-0.1.dist-info", backend: "dbm", value: "dbm:V1")
        let installed = fixture.probe(.stevedore)
        #expect(installed.scans == 1 && installed.value == "dbm:V1")
        try fixture.uninstall("meltano_dbm-0.1.dist-info")
        // Back to the first key (the path entry's times put back, so its float32 mtime is the first
        // one even across a 128 s bucket): the first file answers, without a scan.
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, fixture.site, &times, 0) == 0)
        let back = fixture.probe(.stevedore)
        #expect(back.value == nil)
        #expect(back.scans == 0 && back.counters.persistentHits == 1)
    }

    /// A reinstall of the same name whose times land in the same float32 bucket (128 s at today's
    /// epoch) keeps stevedore's key: it answers from the old file. `persistent` sees it.
    @Test func aReinstallWithinOneBucketIsStaleForStevedoreButNotForPersistent() throws {
        let fixture = try Fixture()
        let folder = "meltano_dbm-0.1.dist-info"
        let bucket = 1_699_999_872  // a multiple of 128: exact in float32
        func install(_ value: String, second: Int) throws {
            let path = try fixture.install(folder, backend: "dbm", value: value)
            var times = [timespec(tv_sec: bucket + second, tv_nsec: 0), timespec(tv_sec: bucket + second, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path + "/entry_points.txt", &times, 0) == 0)
            #expect(utimensat(AT_FDCWD, fixture.site, &times, 0) == 0)
        }
        try install("dbm:V1", second: 1)
        #expect(fixture.probe(.stevedore).value == "dbm:V1")
        #expect(fixture.probe(.persistent).value == "dbm:V1")

        try fixture.uninstall(folder)
        try install("dbm:V2", second: 2)
        let stevedore = fixture.probe(.stevedore)
        #expect(stevedore.scans == 0 && stevedore.value == "dbm:V1")  // stale: the known flaw
        let persistent = fixture.probe(.persistent)
        #expect(persistent.scans == 1 && persistent.value == "dbm:V2")  // ctime and ns mtime moved
    }
}
