import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the scanner passed over a path entry, a distribution or a file (keys of `ScanResult.skipped`).
public enum SkipKind: String, CaseIterable, Codable, Sendable {
    /// A path entry that does not exist (importlib's `FastPath.children` returns `[]`).
    case pathEntryMissing
    /// A path entry that is a file (CPython would try it as a zip archive; not emulated).
    case pathEntryNotDirectory
    /// A path entry that could not be listed (permission denied, I/O error).
    case pathEntryUnreadable
    /// A directory entry whose name is not valid UTF-8.
    case undecodableName
    /// A distribution dropped because an earlier one had the same normalized name (`_unique`).
    case shadowed
    /// No `entry_points.txt` (the common case: most distributions declare none).
    case missing
    /// `entry_points.txt` is a directory (`IsADirectoryError`, suppressed by `read_text`).
    case isDirectory
    /// The metadata "folder" is a file, e.g. a single-file `.egg-info` (`NotADirectoryError`).
    case notADirectory
    /// `entry_points.txt` is not readable (`PermissionError`, suppressed by `read_text`).
    case permissionDenied
    /// Any other read error; CPython would raise, the scanner skips the file.
    case readError
    /// Not valid UTF-8; CPython would raise `UnicodeDecodeError`, the scanner skips the file.
    case invalidUTF8
    /// A value line without `=` under a header; CPython would raise, the scanner skips the file.
    case malformed
    /// Larger than the 1 MiB limit of a metadata file; CPython would read it all, the scanner skips it.
    case tooLarge
    /// A device, FIFO or socket (`entry_points.txt` linked to `/dev/zero`); CPython would read it
    /// (forever, or blocking), the scanner skips it unread.
    case notRegularFile
}

/// Counts per `SkipKind` without hashing a key per skip (most distributions are skipped as `.missing`).
private struct SkipCounts {
    private static let kinds = SkipKind.allCases
    private var counts = [Int](repeating: 0, count: kinds.count)

    mutating func add(_ kind: SkipKind, _ count: Int = 1) { counts[Self.kinds.firstIndex(of: kind)!] += count }

    /// `ScanResult.skipped`: kinds that never happened are absent.
    var dictionary: [String: Int] {
        var result: [String: Int] = [:]
        for (kind, count) in zip(Self.kinds, counts) where count > 0 { result[kind.rawValue] = count }
        return result
    }
}

/// The result of one emulated `importlib.metadata.entry_points()` call, with what it cost.
public struct ScanResult: Codable, Equatable, Sendable {
    /// Every entry point of every kept distribution, in discovery order.
    public var entryPoints: [EntryPoint]
    /// Path entries that could be listed.
    public var pathEntriesListed: Int
    /// Path entries visited, listed or not (missing ones included): what CPython stats each scan.
    public var pathEntriesSearched: Int = 0
    /// Names read from directory listings by this scan (`os.listdir`); 0 for a path entry whose
    /// listing the `ListingCache` served, as CPython's `FastPath.lookup` serves it.
    public var entriesListed: Int = 0
    /// Metadata folders among those names: each costs CPython a path object when it lists.
    public var distributionsListed: Int = 0
    /// `*.dist-info` / `*.egg-info` entries found, before de-duplication.
    public var distributionsFound: Int
    /// Distributions kept after de-duplication by normalized name.
    public var distributionsUnique: Int
    /// `entry_points.txt` files opened and read to the end (whatever their content).
    public var entryPointFilesRead: Int
    /// Count per `SkipKind.rawValue`; kinds that never happened are absent.
    public var skipped: [String: Int]

    /// Creates a result (the scanner builds these; tests and the cost model may too).
    public init(
        entryPoints: [EntryPoint] = [], pathEntriesListed: Int = 0, distributionsFound: Int = 0,
        distributionsUnique: Int = 0, entryPointFilesRead: Int = 0, skipped: [String: Int] = [:]
    ) {
        self.entryPoints = entryPoints
        self.pathEntriesListed = pathEntriesListed
        self.distributionsFound = distributionsFound
        self.distributionsUnique = distributionsUnique
        self.entryPointFilesRead = entryPointFilesRead
        self.skipped = skipped
    }

    /// The entry points of one group, in discovery order (`entry_points(group=...)`).
    public func select(group: String) -> [EntryPoint] {
        entryPoints.filter { $0.group == group }
    }

    /// How often one kind of skip happened.
    public func skipped(_ kind: SkipKind) -> Int {
        skipped[kind.rawValue, default: 0]
    }
}

/// A distribution a scan kept after de-duplication: where its metadata folder is.
public struct KeptDistribution: Equatable, Sendable {
    /// The path entry it was found in, as given (an empty string is the current directory).
    public var pathEntry: String
    /// The metadata folder's name, e.g. `meltano-3.7.9.dist-info`.
    public var folder: String

    /// The folder's path: `pathEntry/folder` (relative to the current directory for `""`).
    public var path: String { (pathEntry.isEmpty ? "." : pathEntry) + "/" + folder }

    /// Creates a record of a kept distribution.
    public init(pathEntry: String, folder: String) {
        self.pathEntry = pathEntry
        self.folder = folder
    }
}

/// Emulates CPython's `importlib.metadata.entry_points()` (3.10–3.13) with real file I/O: lists
/// each path entry, keeps the first distribution per normalized name, reads and parses each kept
/// distribution's `entry_points.txt`. Unlike CPython it never raises: broken files are counted.
public struct EntryPointScanner: Sendable {
    /// The directories searched, in order (the emulated `sys.path`).
    public let pathEntries: [String]
    /// Listings reused while a path entry's mtime holds, as CPython does within one process; nil
    /// lists every path entry on every scan.
    public let listings: ListingCache?

    /// Creates a scanner over `pathEntries` (an empty string means the current directory).
    public init(pathEntries: [String], listings: ListingCache? = nil) {
        self.pathEntries = pathEntries
        self.listings = listings
    }

    /// Performs one scan: every kept distribution's `entry_points.txt` is opened and read again.
    /// Each path entry is listed again too, unless `listings` holds it at an unchanged mtime.
    public func scan() -> ScanResult {
        var none: [KeptDistribution]?
        return scan(keeping: &none)
    }

    /// Lists every path entry into `listings` without reading any file, as another
    /// `importlib_metadata` call made earlier in the process would have (a no-op without listings).
    public func prefetchListings() {
        guard let listings else { return }
        var folders = MetadataFolders()
        for entry in pathEntries {
            let root = entry.isEmpty ? "." : entry
            guard let directory = opendir(root) else { continue }
            defer { closedir(directory) }
            guard let stamp = ListingCache.stamp(of: dirfd(directory)),
                listings.folders(for: root, stamp: stamp) == nil,
                folders.collect(directory, baseIsEgg: Self.basename(root).lowercased().hasSuffix(".egg")) == nil
            else { continue }
            listings.store(folders, for: root, stamp: stamp)
        }
    }

    /// `scan()`, also naming every kept distribution in discovery order: what CPython's
    /// `_unique(distributions())` yields, the distributions `entry_points()` reads.
    public func scanKeepingDistributions() -> (result: ScanResult, distributions: [KeptDistribution]) {
        var kept: [KeptDistribution]? = []
        let result = scan(keeping: &kept)
        return (result, kept ?? [])
    }

    // `kept` is nil for plain scans, so they build no folder names they do not need.
    private func scan(keeping kept: inout [KeptDistribution]?) -> ScanResult {
        var result = ScanResult()
        var seen = KeySet()
        var skipped = SkipCounts()
        // Reused for every path entry and file: per distribution, only the results allocate.
        var folders = MetadataFolders()
        var reader = RelativeFileReader()
        var groups: [String] = []  // recent group names, shared by the files' entry points
        for entry in pathEntries {
            result.pathEntriesSearched += 1
            let root = entry.isEmpty ? "." : entry  // FastPath: `os.listdir(self.root or '.')`
            guard let directory = opendir(root) else {
                skipped.add(Self.pathEntryFailure(errno))
                continue
            }
            defer { closedir(directory) }
            // FastPath.lookup(mtime): stat the root; list it only when the cached listing is stale.
            let stamp = listings.flatMap { _ in ListingCache.stamp(of: dirfd(directory)) }
            if let stamp, let cached = listings?.folders(for: root, stamp: stamp) {
                folders = cached
            } else {
                if let failure = folders.collect(
                    directory, baseIsEgg: Self.basename(root).lowercased().hasSuffix(".egg"))
                {
                    skipped.add(Self.pathEntryFailure(failure.value))
                    continue
                }
                result.entriesListed += folders.listed
                result.distributionsListed += folders.candidates.count
                if let stamp { listings?.store(folders, for: root, stamp: stamp) }
            }
            skipped.add(.undecodableName, folders.undecodable)
            result.pathEntriesListed += 1
            for candidate in folders.candidates {
                result.distributionsFound += 1
                // With the exact lower-case suffix the grouping key is already `_normalized_name`.
                let new: Bool
                if candidate.exactSuffix && !candidate.key.isEmpty {
                    new = seen.insert(candidate.key, hash: candidate.hash).inserted
                } else {
                    let unique = Self.uniqueKey(
                        folder: folders.folder(candidate), path: root + "/" + folders.folder(candidate))
                    new = seen.insert(unique, hash: KeySet.hash(unique)).inserted
                }
                guard new else {
                    skipped.add(.shadowed)
                    continue
                }
                result.distributionsUnique += 1
                if kept != nil { kept?.append(KeptDistribution(pathEntry: entry, folder: folders.folder(candidate))) }
                if let failed = readEntryPoints(
                    candidate, of: folders, directory: dirfd(directory), reader: &reader, groups: &groups, into: &result
                ) {
                    skipped.add(failed)
                }
            }
        }
        result.skipped = skipped.dictionary
        return result
    }

    private static func pathEntryFailure(_ code: Int32) -> SkipKind {
        code == ENOENT ? .pathEntryMissing : code == ENOTDIR ? .pathEntryNotDirectory : .pathEntryUnreadable
    }

    // Appends the candidate's entry points to `result`, or says why it has none.
    private func readEntryPoints(
        _ candidate: MetadataFolders.Candidate, of folders: MetadataFolders, directory: Int32,
        reader: inout RelativeFileReader, groups: inout [String], into result: inout ScanResult
    ) -> SkipKind? {
        let read = folders.names.withUnsafeBufferPointer {
            reader.read(UnsafeBufferPointer(rebasing: $0[candidate.name]), "/entry_points.txt", relativeTo: directory)
        }
        switch read {
        case .success(let count):
            result.entryPointFilesRead += 1
            let folder = folders.folder(candidate)
            return reader.bytes.withUnsafeBufferPointer { all -> SkipKind? in
                let bytes = UnsafeBufferPointer(rebasing: all[..<count])
                if ByteWord.isASCII(bytes) {
                    return EntryPointsText.appendASCII(
                        bytes, distribution: folder, to: &result.entryPoints, groups: &groups) ? nil : .malformed
                }
                guard let text = String(validating: bytes, as: UTF8.self) else { return .invalidUTF8 }
                guard let parsed = EntryPointsText.parse(text, distribution: folder) else { return .malformed }
                result.entryPoints.append(contentsOf: parsed)
                return nil
            }
        case .failure(.tooLarge): return .tooLarge
        case .failure(.notRegularFile): return .notRegularFile
        case .failure(.system(let code)):
            switch code {
            case ENOENT: return .missing
            case EISDIR: return .isDirectory
            case ENOTDIR: return .notADirectory
            case EACCES, EPERM: return .permissionDenied
            default: return .readError
            }
        }
    }

    /// `PathDistribution._normalized_name`: the folder name's part before the first `-` when the
    /// suffix is exactly `.dist-info` / `.egg-info` (case-sensitive `os.path.splitext`), else the
    /// `Name` in the metadata. Where CPython would fail (no metadata), and where the metadata is
    /// not read (over the size limit, not a regular file), the folder name is used.
    static func uniqueKey(folder: String, path: String) -> String {
        if let (stem, ext) = splitExtension(folder), ext == ".dist-info" || ext == ".egg-info" {
            let key = normalize(String(stem.prefix { $0 != "-" }))
            if !key.isEmpty { return key }  // `... or super()._normalized_name`
        }
        for file in ["METADATA", "PKG-INFO"] {
            if case .success(let bytes) = FileSystem.readFile(path + "/" + file),
                let text = String(validating: bytes, as: UTF8.self),
                let name = metadataName(text)
            {
                return normalize(name)
            }
        }
        return normalize(folder.lowercased())
    }

    /// `Prepared.normalize`: `re.sub(r"[-_.]+", "-", name).lower().replace('-', '_')`.
    public static func normalize(_ name: String) -> String {
        // ASCII names (nearly all) take a byte path: the same result without per-scalar appends
        // and without Unicode case mapping.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(name.utf8.count)
            var inRun = false
            for byte in name.utf8 {
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                    if !inRun { bytes.append(UInt8(ascii: "_")) }
                    inRun = true
                } else {
                    bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                    inRun = false
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        var inRun = false
        for scalar in name.unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !inRun { out.append("_") }
                inRun = true
            } else {
                out.unicodeScalars.append(scalar)
                inRun = false
            }
        }
        return out.lowercased()
    }

    // `posixpath.splitext`: split at the last dot unless everything before it is dots.
    private static func splitExtension(_ name: String) -> (String, String)? {
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")),
            name.utf8[..<dot].contains(where: { $0 != UInt8(ascii: ".") })
        else { return nil }
        return (String(name[..<dot]), String(name[dot...]))
    }

    // The first `Name:` header of an RFC 822 style metadata file.
    private static func metadataName(_ text: String) -> String? {
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { break }  // end of headers
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "name" {
                return line[line.index(after: colon)...].trimmingPrefixAndSuffixSpaces()
            }
        }
        return nil
    }

    // `os.path.basename`: the part after the last `/` (empty for a trailing slash).
    private static func basename(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }
}

extension Substring {
    fileprivate func trimmingPrefixAndSuffixSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
