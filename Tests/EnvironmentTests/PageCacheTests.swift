import Environment
import Foundation
import Model
import TestSupport
import Testing

@Suite struct PageCacheTests {
    /// tmpfs keeps files only in the page cache: nothing can be dropped there. The longest mount
    /// point in /proc/mounts that prefixes the path decides.
    private func isTmpfs(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
        var best: (point: String, type: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count > 2 else { continue }
            let point = fields[1]
            let covers = path == point || path.hasPrefix(point == "/" ? "/" : point + "/")
            if covers && point.count > best.point.count { best = (point, fields[2]) }
        }
        return best.type == "tmpfs"
    }

    @Test func dropsEveryFileOfTheEnvironmentAndChecksThatItWorked() throws {
        let root = TemporaryDirectory()
        let environment = try SyntheticEnvironment.prepare(packages: 40, seed: 5, cacheRoot: root.url)
        let cache = PageCache(pathEntries: environment.pathEntries)
        #expect(cache.files.count == 40 * 2 + environment.entryPointFileCount)  // METADATA, RECORD, entry_points.txt
        _ = EntryPointScanner(pathEntries: environment.pathEntries).scan()  // warm them
        let eviction = cache.evict()
        #expect(eviction.files == cache.files.count && eviction.failed == 0)
        #expect(eviction.sampledPages > 0)
        if !isTmpfs(root.path) {
            #expect(eviction.tookEffect, "\(eviction.residentPages) of \(eviction.sampledPages) pages still resident")
        }
    }

    @Test func warmAndColdAreMeasuredSideBySide() throws {
        let root = TemporaryDirectory()
        let environment = try SyntheticEnvironment.prepare(packages: 30, seed: 5, cacheRoot: root.url)
        let comparison = ScanCacheComparison.measure(pathEntries: environment.pathEntries, repeats: 3)
        #expect(comparison.distributions == 30 && comparison.scansEach == 3)
        #expect(comparison.warmMicrosecondsPerDistribution > 0 && comparison.coldMicrosecondsPerDistribution > 0)
        #expect(comparison.eviction.files == 3 * (60 + environment.entryPointFileCount))
    }

    @Test func strictStampTableSeesInPlaceRewritesAndNewFilesButIsStableOtherwise() throws {
        let root = TemporaryDirectory()
        let site = root.path + "/site"
        let a = try root.distribution("site/a-1.0.dist-info", entryPoints: "[g]\nx = 1\n")
        let b = try root.distribution("site/b-1.0.dist-info")
        try root.distribution("site/not-a-distribution")
        let before = StampTable.entryPointFiles([site])
        #expect(before.count == 2)
        #expect(StampTable.entryPointFiles([site]) == before)
        #expect(StampTable.entryPointFiles([site, root.path + "/missing"]) != before)  // another key

        Thread.sleep(forTimeInterval: 0.02)  // beyond the coarse clock's tick
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: a + "/entry_points.txt"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("[g]\nx = 2\n".utf8))
        try handle.close()
        let rewritten = StampTable.entryPointFiles([site])
        #expect(rewritten != before)
        #expect(rewritten.safeAfterNanoseconds > before.safeAfterNanoseconds)

        try Data("[g]\ny = 1\n".utf8).write(to: URL(fileURLWithPath: b + "/entry_points.txt"))
        #expect(StampTable.entryPointFiles([site]) != rewritten)
    }
}
