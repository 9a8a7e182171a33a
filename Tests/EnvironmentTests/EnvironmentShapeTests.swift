import Environment
import Foundation
import Model
import TestSupport
import Testing

/// A shaped synthetic environment lists what a real virtual environment's `sys.path` lists, and
/// the scanner counts what the scan's cost is made of: path entries, missing ones, names listed.
@Suite struct EnvironmentShapeTests {
    let shape = EnvironmentShape(
        packageFolders: 7, modules: 3, pthFiles: 2, stdlibEntries: 11, dynloadEntries: 5, binEntries: 4,
        missingPathEntries: 2)

    @Test func shapedEnvironmentHasThePathEntriesOfAVenvInSysPathOrder() throws {
        let root = TemporaryDirectory()
        let env = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url, shape: shape)
        let folder = root.path + "/env-20-4-7.3.2.11.5.4.2"
        #expect(
            env.pathEntries == [
                folder + "/bin", folder + "/python311.zip", folder + "/python311-1.zip", folder + "/stdlib",
                folder + "/lib-dynload", folder + "/site-packages",
            ])
        let names = { (path: String) in try FileManager.default.contentsOfDirectory(atPath: path) }
        #expect(try names(folder + "/bin").count == 4)
        #expect(!FileManager.default.fileExists(atPath: folder + "/python311.zip"))
        #expect(try names(folder + "/stdlib").count == 11)
        #expect(try names(folder + "/lib-dynload").count == 5)
        let site = try names(folder + "/site-packages")
        #expect(site.count == 20 + 7 + 3 + 2)
        #expect(site.filter { $0.hasSuffix(".pth") }.count == 2)
        #expect(site.filter { $0.hasSuffix(".dist-info") }.count == env.distributionCount)
        #expect(FileManager.default.fileExists(atPath: folder + "/site-packages/meltano/__init__.py"))
    }

    @Test func scanCountsPathEntriesMissingOnesAndEveryNameListed() throws {
        let root = TemporaryDirectory()
        let env = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url, shape: shape)
        let scan = EntryPointScanner(pathEntries: env.pathEntries).scan()
        #expect(scan.pathEntriesSearched == 6 && scan.pathEntriesListed == 4)
        #expect(scan.skipped(.pathEntryMissing) == 2)
        #expect(scan.entriesListed == 20 + shape.listedEntries)
        #expect(scan.distributionsFound == 20 && scan.distributionsUnique == 20)
        // What lies beside the metadata folders changes no entry point.
        let bare = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url)
        let plain = EntryPointScanner(pathEntries: bare.pathEntries).scan()
        #expect(scan.entryPoints == plain.entryPoints)
        #expect(plain.pathEntriesSearched == 1 && plain.entriesListed == 20)
    }

    @Test func aReusedListingListsNothing() throws {
        let root = TemporaryDirectory()
        let env = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url, shape: shape)
        let scanner = EntryPointScanner(pathEntries: env.pathEntries, listings: ListingCache())
        #expect(scanner.scan().entriesListed == 20 + shape.listedEntries)
        let second = scanner.scan()
        #expect(second.entriesListed == 0, "CPython's FastPath.lookup reuses the listing while the mtime holds")
        #expect(second.pathEntriesSearched == 6 && second.distributionsFound == 20)
    }

    @Test func shapesAreCachedApartAndReused() throws {
        let root = TemporaryDirectory()
        let shaped = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url, shape: shape)
        let bare = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url)
        let again = try SyntheticEnvironment.prepare(packages: 20, seed: 4, cacheRoot: root.url, shape: shape)
        #expect(!shaped.reused && !bare.reused && again.reused)
        #expect(again.pathEntries == shaped.pathEntries && bare.pathEntries == [root.path + "/env-20-4/site-packages"])
        #expect(shaped.description.contains("32 other entries listed, 6 path entries"), "\(shaped.description)")
    }

    @Test func defaultsAreMeltano379sVenvAndKeysOverrideThem() {
        #expect(EnvironmentShape(values: [:]) == .meltano379)
        // 140 names in site-packages with its 65 metadata folders; 206 + 76 + 24 in the other path entries.
        #expect(EnvironmentShape.meltano379.listedEntries + 65 == 140 + 206 + 76 + 24)
        #expect(EnvironmentShape.meltano379.extraPathEntries == 4)
        let set = EnvironmentShape(values: [
            "synthetic.stdlib_entries": .int(0), "synthetic.missing_path_entries": .int(3),
        ])
        #expect(set.stdlibEntries == 0 && set.missingPathEntries == 3 && set.binEntries == 24)
        #expect(
            ScenarioKeys.all.filter { $0.name.hasPrefix("synthetic.") }.count == EnvironmentShape.Key.allCases.count)
    }
}
