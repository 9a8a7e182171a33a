import Environment
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The scanner's `ListingCache` behaves as CPython's `FastPath.lookup(mtime)`: same results as a
/// fresh listing, a new listing when the folder's mtime moves, and the old one while it holds.
@Suite struct ListingCacheTests {
    private func signature(_ r: ScanResult) -> [[String]] {
        r.entryPoints.map { [$0.group, $0.name, $0.value, $0.distribution] }
    }

    @Test func reusedListingGivesTheSameResultAsAFreshOne() throws {
        let root = TemporaryDirectory()
        try root.distribution("site/alpha-1.0.dist-info", entryPoints: "[g]\na = x:y\n")
        try root.distribution("site/Beta_Two-2.0.dist-info", entryPoints: "[g]\nb = z\n[h]\nc = w\n")
        try root.distribution("site/beta.two-1.0.dist-info", entryPoints: "[g]\nshadowed = yes\n")
        try root.distribution("site/gamma-0.1.dist-info", entryPoints: nil)
        let paths = [root.path + "/site", root.path + "/missing"]
        let fresh = EntryPointScanner(pathEntries: paths).scan()
        let reusing = EntryPointScanner(pathEntries: paths, listings: ListingCache())
        let first = reusing.scan()
        let second = reusing.scan()
        for r in [first, second] {
            #expect(signature(r) == signature(fresh))
            #expect(r.skipped == fresh.skipped)
            #expect(
                r.distributionsFound == fresh.distributionsFound && r.distributionsUnique == fresh.distributionsUnique)
            #expect(
                r.pathEntriesListed == fresh.pathEntriesListed && r.entryPointFilesRead == fresh.entryPointFilesRead)
        }
        #expect(first.skipped["shadowed"] == 1 && first.skipped["pathEntryMissing"] == 1)
    }

    @Test func aNewDistributionMovesTheMtimeAndIsSeen() throws {
        let root = TemporaryDirectory()
        try root.distribution("site/alpha-1.0.dist-info", entryPoints: "[g]\na = x\n")
        let scanner = EntryPointScanner(pathEntries: [root.path + "/site"], listings: ListingCache())
        #expect(scanner.scan().distributionsFound == 1)
        // The kernel stamps directory times from a coarse clock (a few ms): step past one tick.
        usleep(30_000)
        try root.distribution("site/beta-1.0.dist-info", entryPoints: "[g]\nb = y\n")
        let after = scanner.scan()
        #expect(after.distributionsFound == 2)
        #expect(after.entryPoints.map(\.name).sorted() == ["a", "b"])
    }

    @Test func whileTheMtimeHoldsTheListingIsReusedAsCPythonDoes() throws {
        let root = TemporaryDirectory()
        let site = root.path + "/site"
        try root.distribution("site/alpha-1.0.dist-info", entryPoints: "[g]\na = x\n")
        var before = stat()
        #expect(stat(site, &before) == 0)
        let scanner = EntryPointScanner(pathEntries: [site], listings: ListingCache())
        #expect(scanner.scan().distributionsFound == 1)
        // A folder added, then the folder's mtime put back: CPython's cache (keyed on st_mtime)
        // would not see it, and neither does the scanner. A fresh listing does.
        try root.distribution("site/beta-1.0.dist-info", entryPoints: "[g]\nb = y\n")
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, site, &times, 0) == 0)
        #expect(scanner.scan().distributionsFound == 1)
        #expect(EntryPointScanner(pathEntries: [site]).scan().distributionsFound == 2)
        // The files themselves are read on every scan: an edit shows at once.
        try "[g]\nrenamed = x\n".write(
            toFile: site + "/alpha-1.0.dist-info/entry_points.txt", atomically: false, encoding: .utf8)
        #expect(scanner.scan().entryPoints.map(\.name) == ["renamed"])
    }
}
