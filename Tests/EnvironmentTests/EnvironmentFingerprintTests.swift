import Environment
import Foundation
import TestSupport
import Testing

@Suite struct EnvironmentFingerprintTests {
    @Test func pathEntryStampsChangeOnAddRemoveAndSayMissing() throws {
        let root = TemporaryDirectory()
        let site = root.path + "/site"
        try root.distribution("site/a-1.0.dist-info")
        let missing = root.path + "/nope"
        let before = EnvironmentFingerprint.pathEntries([site, missing])
        #expect(before.map(\.path) == [site, missing])
        #expect(before[0].stamp.status == .present && before[0].stamp.inode != 0)
        #expect(before[1].stamp.status == .missing)
        #expect(EnvironmentFingerprint.pathEntries([site, missing]) == before)

        try root.distribution("site/b-1.0.dist-info")
        let added = EnvironmentFingerprint.pathEntries([site, missing])
        #expect(added != before)
        try FileManager.default.removeItem(atPath: site + "/b-1.0.dist-info")
        #expect(EnvironmentFingerprint.pathEntries([site, missing]) != added)
    }

    @Test func entryPointFileStampsSeeInPlaceRewritesThatPathStampsMiss() throws {
        let root = TemporaryDirectory()
        let site = root.path + "/site"
        let folder = try root.distribution("site/a-1.0.dist-info", entryPoints: "[g]\nx = 1\n")
        try root.distribution("site/b-1.0.dist-info")
        try root.distribution("site/unrelated")
        let files = EnvironmentFingerprint.entryPointFiles([site])
        #expect(
            files.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().lastPathComponent }
                == ["a-1.0.dist-info", "b-1.0.dist-info"])
        #expect(files.map(\.stamp.status) == [.present, .missing])
        let paths = EnvironmentFingerprint.pathEntries([site])

        Thread.sleep(forTimeInterval: 0.02)  // beyond the coarse clock's tick
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/entry_points.txt"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("[g]\nx = 2\n".utf8))
        try handle.close()
        #expect(EnvironmentFingerprint.pathEntries([site]) == paths)  // the documented blind spot
        #expect(EnvironmentFingerprint.entryPointFiles([site]) != files)
    }

    @Test func stampsRoundTripThroughJSON() throws {
        let root = TemporaryDirectory()
        try root.distribution("site/a-1.0.dist-info", entryPoints: "")
        let stamps = EnvironmentFingerprint.pathEntries([root.path + "/site"])
        let files = EnvironmentFingerprint.entryPointFiles([root.path + "/site"])
        #expect(try JSONDecoder().decode([PathEntryStamp].self, from: JSONEncoder().encode(stamps)) == stamps)
        #expect(try JSONDecoder().decode([FileStamp].self, from: JSONEncoder().encode(files)) == files)
    }
}
