import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes an environment's files cold without root: every regular file is flushed
/// (`fdatasync`: dirty pages cannot be dropped) and its cached pages are dropped with
/// `posix_fadvise(POSIX_FADV_DONTNEED)`, so the next scan reads `entry_points.txt` from the disk.
///
/// What it cannot drop: directory blocks and the kernel's dentry and inode caches (only
/// `drop_caches`, which needs root, does), so listings and `stat` stay warm. Whether the drop
/// took effect is checked, not assumed: `mincore` on a sample of the files after the drop.
public struct PageCache: Sendable {
    /// Every regular file under the path entries' metadata folders, listed once.
    public let files: [String]

    /// Lists the files of every `*.dist-info` / `*.egg-info` folder of the path entries.
    public init(pathEntries: [String]) {
        var files: [String] = []
        for entry in pathEntries {
            let root = entry.isEmpty ? "." : entry
            guard case .success(let listing) = FileSystem.list(root) else { continue }
            for folder in listing.names where FileSystem.isDistributionFolderName(folder) {
                let path = root + "/" + folder
                guard case .success(let inside) = FileSystem.list(path) else { continue }
                for name in inside.names {
                    if case .success(let info) = FileSystem.status(path + "/" + name), info.isRegularFile {
                        files.append(path + "/" + name)
                    }
                }
            }
        }
        self.files = files
    }

    public typealias Eviction = PageEviction

    /// Drops the cached pages of every file, then samples up to `sample` files with `mincore`.
    @discardableResult
    public func evict(sample: Int = 64) -> Eviction {
        var result = Eviction(files: files.count, failed: 0, residentPages: 0, sampledPages: 0)
        for path in files {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else {
                result.failed += 1
                continue
            }
            _ = fdatasync(fd)
            #if canImport(Darwin)
                result.failed += 1  // no posix_fadvise on Darwin
            #else
                if posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0 { result.failed += 1 }
            #endif
            close(fd)
        }
        let stride = max(1, files.count / max(1, sample))
        for index in Swift.stride(from: 0, to: files.count, by: stride) {
            let (resident, total) = Self.residency(files[index])
            result.residentPages += resident
            result.sampledPages += total
        }
        return result
    }

    /// (resident pages, pages) of one file, from `mincore` on a read-only mapping (mapping does
    /// not fault pages in; only touching them would).
    static func residency(_ path: String) -> (Int, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return (0, 0) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return (0, 0) }
        let length = Int(info.st_size)
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return (0, 0) }
        defer { munmap(map, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (length + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        #if canImport(Darwin)
            let ok =
                vector.withUnsafeMutableBufferPointer {
                    mincore(map, length, UnsafeMutablePointer<CChar>(OpaquePointer($0.baseAddress)))
                } == 0
        #else
            let ok = vector.withUnsafeMutableBufferPointer { mincore(map, length, $0.baseAddress) } == 0
        #endif
        guard ok else { return (0, 0) }
        return (vector.filter { $0 & 1 == 1 }.count, pages)
    }
}

extension ScanCacheComparison {
    /// Scans `pathEntries` `repeats` times warm and `repeats` times right after a drop, interleaved.
    public static func measure(pathEntries: [String], repeats: Int = 5) -> ScanCacheComparison {
        let scanner = EntryPointScanner(pathEntries: pathEntries)
        let cache = PageCache(pathEntries: pathEntries)
        var distributions = scanner.scan().distributionsFound  // warms everything up once
        var warm: [Double] = []
        var cold: [Double] = []
        var eviction = PageCache.Eviction()
        func timed() -> Double {
            let start = MonotonicClock.now()
            distributions = scanner.scan().distributionsFound
            let ns = Double(MonotonicClock.now() - start)
            return ns / 1_000 / Double(max(1, distributions))
        }
        for _ in 0..<max(1, repeats) {
            warm.append(timed())
            eviction = eviction.adding(cache.evict())
            cold.append(timed())
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return ScanCacheComparison(
            distributions: distributions, scansEach: warm.count, warmMicrosecondsPerDistribution: median(warm),
            coldMicrosecondsPerDistribution: median(cold), eviction: eviction)
    }
}
