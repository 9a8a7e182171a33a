import Environment
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct EntryPointScannerTests {
    private func scan(_ paths: [String]) -> ScanResult {
        EntryPointScanner(pathEntries: paths).scan()
    }

    @Test func parsesGroupsValuesCommentsAndWhitespace() throws {
        let root = TemporaryDirectory()
        try root.distribution(
            "site/demo-1.0.dist-info",
            entryPoints: """
                orphan = before any header
                no equals before a header is fine
                [console_scripts]
                # a comment
                  demo = demo.cli:main\r
                \tspaced   =   demo.x : y  \t

                ; semi = colon is not a comment
                [meltano.plugins]
                a = b = c
                [[nested]]
                k=
                """)
        let result = scan([root.path + "/site"])
        let found = result.entryPoints.map { [$0.group, $0.name, $0.value] }
        #expect(
            found == [
                ["console_scripts", "demo", "demo.cli:main"],
                ["console_scripts", "spaced", "demo.x : y"],
                ["console_scripts", "; semi", "colon is not a comment"],
                ["meltano.plugins", "a", "b = c"],
                ["nested", "k", ""],
            ])
        #expect(result.entryPoints.allSatisfy { $0.distribution == "demo-1.0.dist-info" })
        #expect(result.select(group: "meltano.plugins").map(\.name) == ["a"])
        #expect(result.entryPointFilesRead == 1 && result.pathEntriesListed == 1)
    }

    @Test func parserFollowsPythonLineAndSpaceRules() {
        // \x1c and \u{85} end lines for str.splitlines(); \u{3000} is stripped by str.strip();
        // a BOM is not whitespace, so "\u{FEFF}[g]" is no header.
        let text = "[g]\nz=1\u{1C}q = 2\u{85}w=\u{3000}x\u{3000}\n\u{FEFF}[h]\n"
        #expect(EntryPointsText.parse(text, distribution: "d") == nil)
        let parsed = EntryPointsText.parse(
            "[g]\nz=1\u{1C}q = 2\u{85}w=\u{3000}x\u{3000}\n[ sp ]\n=\n", distribution: "d")
        #expect(
            parsed?.map { [$0.group, $0.name, $0.value] } == [
                ["g", "z", "1"], ["g", "q", "2"], ["g", "w", "x"], [" sp ", "", ""],
            ])
        #expect(EntryPointsText.parse("\u{FEFF}[g]\nignored = 1\n", distribution: "d") == [])
    }

    @Test func firstDistributionPerNormalizedNameWinsAcrossPathEntries() throws {
        let root = TemporaryDirectory()
        try root.distribution("a/Foo_Bar-1.0.dist-info", entryPoints: "[g]\nx = first\n")
        try root.distribution("b/foo.bar-2.0.dist-info", entryPoints: "[g]\nx = second\ny = only-in-second\n")
        try root.distribution("b/other-1.0.dist-info", entryPoints: "[g]\no = other\n")
        let result = scan([root.path + "/a", root.path + "/b"])
        #expect(result.select(group: "g").map(\.value) == ["first", "other"])
        #expect(result.distributionsFound == 3 && result.distributionsUnique == 2)
        #expect(result.skipped(.shadowed) == 1)
        #expect(EntryPointScanner.normalize("Foo.-_Bar") == "foo_bar")
    }

    @Test func readsEggInfoFoldersAndSkipsSingleFileEggInfo() throws {
        let root = TemporaryDirectory()
        try root.distribution("site/legacy-0.1.egg-info", entryPoints: "[g]\nlegacy = egg\n")
        try root.distribution("site/Upper-1.0.DIST-INFO", entryPoints: "[g]\nupper = yes\n")
        try Data("Metadata-Version: 1.0\nName: single\n".utf8)
            .write(to: URL(fileURLWithPath: root.path + "/site/single-0.1.egg-info"))
        let result = scan([root.path + "/site"])
        #expect(Set(result.select(group: "g").map(\.name)) == ["legacy", "upper"])
        #expect(result.skipped(.notADirectory) == 1)
        #expect(result.distributionsUnique == 3)
    }

    @Test func brokenFilesAreSkippedAndCountedByKind() throws {
        let root = TemporaryDirectory()
        let site = root.path + "/site"
        try root.distribution("site/good-1.0.dist-info", entryPoints: "[g]\ngood = ok\n")
        try root.distribution("site/noep-1.0.dist-info")
        try root.distribution("site/empty-1.0.dist-info", entryPoints: "")
        let folder = try root.distribution("site/direp-1.0.dist-info")
        try FileManager.default.createDirectory(
            atPath: folder + "/entry_points.txt", withIntermediateDirectories: false)
        let binary = try root.distribution("site/binary-1.0.dist-info")
        try Data([0x5B, 0x67, 0x5D, 0x0A, 0x78, 0x3D, 0xFF, 0xFE, 0x0A])
            .write(to: URL(fileURLWithPath: binary + "/entry_points.txt"))
        try root.distribution("site/noeq-1.0.dist-info", entryPoints: "[g]\nkept = no\nthis line has no equals\n")
        let result = scan([root.path + "/missing", site])
        #expect(result.entryPoints.map(\.name) == ["good"])
        #expect(result.skipped(.pathEntryMissing) == 1)
        #expect(result.skipped(.missing) == 1)
        #expect(result.skipped(.isDirectory) == 1)
        #expect(result.skipped(.invalidUTF8) == 1)
        #expect(result.skipped(.malformed) == 1)
        #expect(result.entryPointFilesRead == 4)  // good, empty, binary, noeq
        #expect(result.pathEntriesListed == 1 && result.distributionsUnique == 6)
    }

    @Test func aFileAsPathEntryIsSkipped() throws {
        let root = TemporaryDirectory()
        try Data("zip?".utf8).write(to: URL(fileURLWithPath: root.path + "/archive.zip"))
        let result = scan([root.path + "/archive.zip"])
        #expect(result.skipped(.pathEntryNotDirectory) == 1 && result.entryPoints.isEmpty)
    }

    @Test(.disabled(if: getuid() == 0, "root reads every file regardless of permissions"))
    func unreadableFileAndPathEntryAreSkipped() throws {
        let root = TemporaryDirectory()
        let locked = try root.distribution("site/locked-1.0.dist-info", entryPoints: "[g]\nsecret = 1\n")
        try root.distribution("site/open-1.0.dist-info", entryPoints: "[g]\nopen = 1\n")
        try root.distribution("closed/hidden-1.0.dist-info", entryPoints: "[g]\nhidden = 1\n")
        #expect(chmod(locked + "/entry_points.txt", 0) == 0)
        #expect(chmod(root.path + "/closed", 0) == 0)
        let result = scan([root.path + "/site", root.path + "/closed"])
        #expect(result.entryPoints.map(\.name) == ["open"])
        #expect(result.skipped(.permissionDenied) == 1)
        #expect(result.skipped(.pathEntryUnreadable) == 1)
    }

    @Test func scanSeesChangesBecauseItCachesNothing() throws {
        let root = TemporaryDirectory()
        let folder = try root.distribution("site/x-1.0.dist-info", entryPoints: "[g]\na = 1\n")
        let scanner = EntryPointScanner(pathEntries: [root.path + "/site"])
        #expect(scanner.scan().entryPoints.map(\.value) == ["1"])
        try Data("[g]\na = 2\n".utf8).write(to: URL(fileURLWithPath: folder + "/entry_points.txt"))
        #expect(scanner.scan().entryPoints.map(\.value) == ["2"])
    }
}
