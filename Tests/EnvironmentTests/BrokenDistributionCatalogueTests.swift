import Environment
import Foundation
import TestSupport
import Testing

/// The catalogue of broken `dist-info` folders: each is scanned beside a healthy distribution and
/// must be skipped and counted as `importlib.metadata` would treat it (expectations checked against
/// CPython 3.11's `entry_points()`), never crash the scanner, and never hide the healthy one.
@Suite struct BrokenDistributionCatalogueTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Builds the broken thing inside the site folder (and may add path entries).
        let build: @Sendable (_ site: String) throws -> [String]
        /// (group, name, value) the broken distribution still yields.
        let entries: [[String]]
        /// Skip counts by kind the scan must report (kinds not listed must be 0).
        let skipped: [SkipKind: Int]
        var testDescription: String { name }
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    static func text(_ site: String, _ folder: String, _ content: String) throws {
        try write("\(site)/\(folder)/entry_points.txt", Array(content.utf8))
    }
    /// An `entry_points.txt` of exactly `bytes` bytes: comment lines, then one entry point at the end.
    static func padded(_ site: String, bytes: Int) throws {
        try folder("\(site)/broken-1.0.dist-info")
        let path = "\(site)/broken-1.0.dist-info/entry_points.txt"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let tail = Data("\n[g]\nlast = big:main\n".utf8)
        let line = Data("# padding line of a very large entry_points.txt file\n".utf8)
        var left = bytes - tail.count
        let chunk = Data(Array(repeating: line, count: 20_000).joined())
        while left >= chunk.count {
            handle.write(chunk)
            left -= chunk.count
        }
        handle.write(Data(repeating: UInt8(ascii: "#"), count: left) + tail)
        try handle.close()
    }
    static func folder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    static let root = getuid() == 0

    static let cases: [Case] = [
        Case(
            name: "no entry_points.txt",
            build: {
                try folder("\($0)/broken-1.0.dist-info")
                return []
            }, entries: [], skipped: [.missing: 1]),
        Case(
            name: "empty entry_points.txt",
            build: {
                try text($0, "broken-1.0.dist-info", "")
                return []
            }, entries: [], skipped: [:]),
        Case(
            name: "whitespace only",
            build: {
                try text($0, "broken-1.0.dist-info", "  \n\t\n   \n")
                return []
            }, entries: [], skipped: [:]),
        Case(
            name: "comments only",
            build: {
                try text($0, "broken-1.0.dist-info", "# a\n#[g]\n# x = y\n")
                return []
            }, entries: [], skipped: [:]),
        Case(
            name: "unclosed section header",
            build: {
                try text($0, "broken-1.0.dist-info", "[console_scripts\nh = h:main\n")
                return []
            },
            entries: [], skipped: [:]),
        Case(
            name: "value line without =",
            build: {
                try text($0, "broken-1.0.dist-info", "[g]\nok = a:b\nno equals sign\n")
                return []
            },
            entries: [], skipped: [.malformed: 1]),
        Case(
            name: "duplicate keys in a group",
            build: {
                try text($0, "broken-1.0.dist-info", "[g]\na = one:x\na = two:y\n")
                return []
            },
            entries: [["g", "a", "one:x"], ["g", "a", "two:y"]], skipped: [:]),
        Case(
            name: "lines before any header",
            build: {
                try text($0, "broken-1.0.dist-info", "x = 1\n[g]\ny = 2\n")
                return []
            },
            entries: [["g", "y", "2"]], skipped: [:]),
        Case(
            name: "empty group name",
            build: {
                try text($0, "broken-1.0.dist-info", "[]\ne = e:main\n")
                return []
            },
            entries: [["", "e", "e:main"]], skipped: [:]),
        Case(
            name: "CRLF line endings",
            build: {
                try text($0, "broken-1.0.dist-info", "[console_scripts]\r\ncrlf = c:main\r\n")
                return []
            },
            entries: [["console_scripts", "crlf", "c:main"]], skipped: [:]),
        Case(
            name: "UTF-8 byte-order mark",
            build: {
                try write(
                    "\($0)/broken-1.0.dist-info/entry_points.txt",
                    [0xEF, 0xBB, 0xBF] + Array("[console_scripts]\nbom = bom:main\n[other]\nx = y\n".utf8))
                return []
            }, entries: [["other", "x", "y"]], skipped: [:]),
        Case(
            name: "non-UTF-8 bytes",
            build: {
                try write(
                    "\($0)/broken-1.0.dist-info/entry_points.txt",
                    Array("[g]\na = ".utf8) + [0xFF, 0xFE, 0x80] + [0x0A])
                return []
            }, entries: [], skipped: [.invalidUTF8: 1]),
        Case(
            name: "NUL bytes in a name",
            build: {
                try write("\($0)/broken-1.0.dist-info/entry_points.txt", Array("[g]\nn\u{0} = v\n".utf8))
                return []
            },
            entries: [["g", "n\u{0}", "v"]], skipped: [:]),
        // Departures from CPython, which would read any size and any kind of file (docs/strategies.md).
        Case(
            name: "50 MB file (over the 1 MiB limit)",
            build: { site in
                try padded(site, bytes: 50_000_000)
                return []
            }, entries: [], skipped: [.tooLarge: 1]),
        Case(
            name: "a file of exactly 1 MiB",
            build: { site in
                try padded(site, bytes: 1 << 20)
                return []
            }, entries: [["g", "last", "big:main"]], skipped: [:]),
        Case(
            name: "symlink to /dev/zero",
            build: { site in
                try folder("\(site)/broken-1.0.dist-info")
                try FileManager.default.createSymbolicLink(
                    atPath: "\(site)/broken-1.0.dist-info/entry_points.txt", withDestinationPath: "/dev/zero")
                return []
            }, entries: [], skipped: [.notRegularFile: 1]),
        Case(
            name: "FIFO as entry_points.txt (with no writer: a blocking read would hang)",
            build: { site in
                try folder("\(site)/broken-1.0.dist-info")
                guard mkfifo("\(site)/broken-1.0.dist-info/entry_points.txt", 0o644) == 0 else {
                    throw CocoaError(.fileWriteUnknown)
                }
                return []
            }, entries: [], skipped: [.notRegularFile: 1]),
        Case(
            name: "symlink loop as entry_points.txt",
            build: { site in
                try folder("\(site)/broken-1.0.dist-info")
                try FileManager.default.createSymbolicLink(
                    atPath: "\(site)/broken-1.0.dist-info/entry_points.txt", withDestinationPath: "entry_points.txt")
                return []
            }, entries: [], skipped: [.readError: 1]),
        Case(
            name: "dangling symlink as entry_points.txt",
            build: { site in
                try folder("\(site)/broken-1.0.dist-info")
                try FileManager.default.createSymbolicLink(
                    atPath: "\(site)/broken-1.0.dist-info/entry_points.txt", withDestinationPath: "nowhere.txt")
                return []
            }, entries: [], skipped: [.missing: 1]),
        Case(
            name: "entry_points.txt is a folder",
            build: {
                try folder("\($0)/broken-1.0.dist-info/entry_points.txt")
                return []
            },
            entries: [], skipped: [.isDirectory: 1]),
        Case(
            name: "dist-info is a file",
            build: {
                try write("\($0)/broken-1.0.dist-info", Array("not a folder".utf8))
                return []
            },
            entries: [], skipped: [.notADirectory: 1]),
        Case(
            name: "dist-info is a symlink loop",
            build: { site in
                try FileManager.default.createSymbolicLink(
                    atPath: "\(site)/broken-1.0.dist-info", withDestinationPath: "broken-1.0.dist-info")
                return []
            }, entries: [], skipped: [.readError: 1]),
        Case(
            name: "unreadable entry_points.txt",
            build: { site in
                try text(site, "broken-1.0.dist-info", "[g]\nsecret = s:main\n")
                chmod("\(site)/broken-1.0.dist-info/entry_points.txt", 0)
                return []
            }, entries: root ? [["g", "secret", "s:main"]] : [], skipped: root ? [:] : [.permissionDenied: 1]),
        Case(
            name: "same normalized name in a later path entry",
            build: { site in
                try text(site, "Broken_Pkg-1.0.dist-info", "[g]\nfirst = a:b\n")
                let later = site + "-later"
                try text(later, "broken.pkg-2.0.dist-info", "[g]\nsecond = c:d\n")
                return [later]
            }, entries: [["g", "first", "a:b"]], skipped: [.shadowed: 1]),
        Case(
            name: "upper-case suffix",
            build: {
                try text($0, "BROKEN-1.0.DIST-INFO", "[g]\nup = u:main\n")
                return []
            },
            entries: [["g", "up", "u:main"]], skipped: [:]),
        Case(
            name: "no version in the folder name",
            build: {
                try text($0, "broken.dist-info", "[g]\nplain = p:main\n")
                return []
            },
            entries: [["g", "plain", "p:main"]], skipped: [:]),
        Case(
            name: "missing path entry", build: { ["\($0)-does-not-exist"] }, entries: [],
            skipped: [.pathEntryMissing: 1]),
        Case(
            name: "path entry is a file",
            build: { site in
                try write(site + ".zip", Array("PK not really".utf8))
                return [site + ".zip"]
            }, entries: [], skipped: [.pathEntryNotDirectory: 1]),
    ]

    @Test func theCatalogueHasAtLeastTwentyKinds() { #expect(Self.cases.count >= 20) }

    @Test(arguments: cases)
    func brokenDistributionIsSkippedAndCountedLikeImportlib(_ c: Case) throws {
        let tmp = TemporaryDirectory("catalogue")
        let site = tmp.path + "/site-packages"
        try Self.text(site, "healthy-1.0.dist-info", "[console_scripts]\nhealthy = healthy:main\n")
        let extra = try c.build(site)
        defer { for path in extra { try? FileManager.default.removeItem(atPath: path) } }
        let result = EntryPointScanner(pathEntries: [site] + extra).scan()

        #expect(
            result.entryPoints.contains { $0.name == "healthy" && $0.group == "console_scripts" },
            "the healthy distribution is still found")
        let broken = result.entryPoints.filter { !$0.distribution.hasPrefix("healthy") }.map {
            [$0.group, $0.name, $0.value]
        }
        #expect(broken == c.entries)
        for kind in SkipKind.allCases {
            #expect(result.skipped(kind) == (c.skipped[kind] ?? 0), "\(kind.rawValue)")
        }
    }
}
