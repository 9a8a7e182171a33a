import Environment
import Foundation
import TestSupport
import Testing

@Suite struct SyntheticEnvironmentTests {
    @Test func sameInputsGiveByteIdenticalTreesAndOtherSeedsDiffer() throws {
        let one = TemporaryDirectory()
        let two = TemporaryDirectory()
        let a = try SyntheticEnvironment.prepare(packages: 120, seed: 9, cacheRoot: one.url)
        let b = try SyntheticEnvironment.prepare(packages: 120, seed: 9, cacheRoot: two.url)
        let c = try SyntheticEnvironment.prepare(packages: 120, seed: 10, cacheRoot: two.url)
        let treeA = try fileTree(a.pathEntries[0] + "/..")
        let treeB = try fileTree(b.pathEntries[0] + "/..")
        #expect(treeA.count > 240)
        #expect(treeA == treeB)
        #expect(try fileTree(c.pathEntries[0] + "/..") != treeA)
        #expect(a.pathEntries == [one.path + "/env-120-9/site-packages"])
    }

    @Test func layoutHasNFoldersAQuarterWithEntryPointsAndOneMeltano() throws {
        let root = TemporaryDirectory()
        let env = try SyntheticEnvironment.prepare(packages: 200, seed: 1, cacheRoot: root.url)
        let site = env.pathEntries[0]
        let folders = try FileManager.default.contentsOfDirectory(atPath: site)
        #expect(folders.count == 200 && env.distributionCount == 200)
        #expect(folders.allSatisfy { $0.hasSuffix(".dist-info") })
        for folder in folders {
            let metadata = try String(contentsOfFile: site + "/" + folder + "/METADATA", encoding: .utf8)
            #expect(metadata.hasPrefix("Metadata-Version: 2.1\nName: "))
            #expect(metadata.contains("\nVersion: ") && metadata.contains("\nSummary: "))
            let record = try String(contentsOfFile: site + "/" + folder + "/RECORD", encoding: .utf8)
            #expect(record.split(separator: "\n").count >= 4)
        }
        let withEntryPoints = folders.filter {
            FileManager.default.fileExists(atPath: site + "/" + $0 + "/entry_points.txt")
        }
        #expect(withEntryPoints.count == env.entryPointFileCount)
        #expect(withEntryPoints.count == 50)

        let texts = try withEntryPoints.map {
            try String(contentsOfFile: site + "/" + $0 + "/entry_points.txt", encoding: .utf8)
        }
        #expect(texts.filter { $0.contains("[meltano.state_backends]") }.count == 1)
        #expect(texts.filter { $0.contains("[meltano.settings]") }.count == 1)
        #expect(folders.filter { $0.hasPrefix("meltano-") } == ["meltano-3.7.9.dist-info"])
        // Other files hold several groups with several entries each.
        #expect(texts.allSatisfy { $0.components(separatedBy: "\n[").count >= 2 })

        let scan = EntryPointScanner(pathEntries: env.pathEntries).scan()
        #expect(scan.distributionsUnique == 200)
        let backends = scan.select(group: MeltanoEntryPoints.stateBackendsGroup)
        #expect(backends.map(\.name) == ["azure", "file", "gs", "s3"])
        #expect(backends[0].value == "meltano.core.state_store.azure:AZStorageStateStoreManager")
        #expect(scan.select(group: "meltano.settings").count >= 2)
        #expect(scan.select(group: "console_scripts").count > 10)
    }

    @Test func secondCallReusesWithoutRewriting() throws {
        let root = TemporaryDirectory()
        let first = try SyntheticEnvironment.prepare(packages: 30, seed: 5, cacheRoot: root.url)
        #expect(!first.reused)
        let marker = root.path + "/env-30-5/COMPLETE"
        let before = (StatStamp(path: marker), StatStamp(path: first.pathEntries[0]))
        let second = try SyntheticEnvironment.prepare(packages: 30, seed: 5, cacheRoot: root.url)
        #expect(second.reused)
        #expect(second.pathEntries == first.pathEntries)
        #expect(second.entryPointFileCount == first.entryPointFileCount)
        #expect(StatStamp(path: marker) == before.0)
        #expect(StatStamp(path: first.pathEntries[0]) == before.1)
    }

    @Test func halfWrittenOrStaleFolderIsRegenerated() throws {
        let root = TemporaryDirectory()
        let folder = root.path + "/env-25-2"
        try root.distribution("env-25-2/site-packages/leftover-0.1.dist-info", entryPoints: "[x]\na = b\n")
        let env = try SyntheticEnvironment.prepare(packages: 25, seed: 2, cacheRoot: root.url)
        #expect(!env.reused)
        #expect(!FileManager.default.fileExists(atPath: folder + "/site-packages/leftover-0.1.dist-info"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: env.pathEntries[0]).count == 25)

        // A marker of another format version is not trusted either.
        try Data(#"{"formatVersion":0}"#.utf8).write(to: URL(fileURLWithPath: folder + "/COMPLETE"))
        #expect(try !SyntheticEnvironment.prepare(packages: 25, seed: 2, cacheRoot: root.url).reused)
        #expect(try SyntheticEnvironment.prepare(packages: 25, seed: 2, cacheRoot: root.url).reused)
        // No temporary or trash folders are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["env-25-2"])
    }

    @Test func concurrentPreparersAgreeOnOneCompleteEnvironment() throws {
        let root = TemporaryDirectory()
        let results = Locked<[PreparedEnvironment]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                if let env = try? SyntheticEnvironment.prepare(packages: 60, seed: 4, cacheRoot: root.url) {
                    results.withValue { $0.append(env) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let all = results.withValue { $0 }
        #expect(all.count == 4)
        #expect(Set(all.map(\.pathEntries)).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: all[0].pathEntries[0]).count == 60)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["env-60-4"])
        root.remove()  // a finished thread may still hold `root` when the process exits
    }

    @Test func rejectsAnEmptyEnvironment() {
        let root = TemporaryDirectory()
        #expect(throws: EnvironmentError.invalidPackageCount(0)) {
            try SyntheticEnvironment.prepare(packages: 0, seed: 1, cacheRoot: root.url)
        }
        let one = try? SyntheticEnvironment.prepare(packages: 1, seed: 1, cacheRoot: root.url)
        #expect(one?.distributionCount == 1 && one?.entryPointFileCount == 1)
    }

    @Test func existingEnvironmentIsCheckedAndCounted() throws {
        let root = TemporaryDirectory()
        try root.distribution("a/one-1.0.dist-info", entryPoints: "[g]\nx = y\n")
        try root.distribution("a/two-1.0.DIST-INFO")
        try root.distribution("a/not-a-distribution")
        try root.distribution("b/three-1.0.egg-info", entryPoints: "")
        let env = try PreparedEnvironment.existing(paths: [root.path + "/a", root.path + "/b"])
        #expect(env.distributionCount == 3 && env.entryPointFileCount == 2 && env.reused)
        #expect(throws: EnvironmentError.notADirectory(path: root.path + "/missing")) {
            try PreparedEnvironment.existing(paths: [root.path + "/a", root.path + "/missing"])
        }
        #expect(throws: EnvironmentError.noPathEntries) { try PreparedEnvironment.existing(paths: []) }
    }
}
