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
}

/// The result of one emulated `importlib.metadata.entry_points()` call, with what it cost.
public struct ScanResult: Codable, Equatable, Sendable {
    /// Every entry point of every kept distribution, in discovery order.
    public var entryPoints: [EntryPoint]
    /// Path entries that could be listed.
    public var pathEntriesListed: Int
    /// `*.dist-info` / `*.egg-info` entries found, before de-duplication.
    public var distributionsFound: Int
    /// Distributions kept after de-duplication by normalized name.
    public var distributionsUnique: Int
    /// `entry_points.txt` files opened and read to the end (whatever their content).
    public var entryPointFilesRead: Int
    /// Count per `SkipKind.rawValue`; kinds that never happened are absent.
    public var skipped: [String: Int]

    /// Creates a result (the scanner builds these; tests and the cost model may too).
    public init(entryPoints: [EntryPoint] = [], pathEntriesListed: Int = 0, distributionsFound: Int = 0,
                distributionsUnique: Int = 0, entryPointFilesRead: Int = 0, skipped: [String: Int] = [:]) {
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

/// Emulates CPython's `importlib.metadata.entry_points()` (3.10–3.13) with real file I/O: lists
/// each path entry, keeps the first distribution per normalized name, reads and parses each kept
/// distribution's `entry_points.txt`. Unlike CPython it never raises: broken files are counted.
public struct EntryPointScanner: Sendable {
    /// The directories searched, in order (the emulated `sys.path`).
    public let pathEntries: [String]

    /// Creates a scanner over `pathEntries` (an empty string means the current directory).
    public init(pathEntries: [String]) {
        self.pathEntries = pathEntries
    }

    /// Performs one full scan. Each call does all the I/O again; nothing is cached.
    public func scan() -> ScanResult {
        var result = ScanResult()
        var seen = Set<String>()
        for entry in pathEntries {
            let root = entry.isEmpty ? "." : entry  // FastPath: `os.listdir(self.root or '.')`
            let names: [String]
            switch FileSystem.list(root) {
            case .failure(let code):
                let kind: SkipKind = code.value == ENOENT ? .pathEntryMissing
                    : code.value == ENOTDIR ? .pathEntryNotDirectory : .pathEntryUnreadable
                result.skipped[kind.rawValue, default: 0] += 1
                continue
            case .success(let listing):
                names = listing.names
                if listing.undecodable > 0 {
                    result.skipped[SkipKind.undecodableName.rawValue, default: 0] += listing.undecodable
                }
            }
            result.pathEntriesListed += 1
            let directory = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            defer { if directory >= 0 { close(directory) } }
            for candidate in Self.distributionFolders(root: root, names: names) {
                result.distributionsFound += 1
                let folder = candidate.folder
                // With the exact lower-case suffix the grouping key is already `_normalized_name`.
                let unique = candidate.exactSuffix && !candidate.key.isEmpty
                    ? candidate.key : Self.uniqueKey(folder: folder, path: root + "/" + folder)
                guard seen.insert(unique).inserted else {
                    result.skipped[SkipKind.shadowed.rawValue, default: 0] += 1
                    continue
                }
                result.distributionsUnique += 1
                readEntryPoints(path: root + "/" + folder, folder: folder, directory: directory, into: &result)
            }
        }
        return result
    }

    private func readEntryPoints(path: String, folder: String, directory: Int32, into result: inout ScanResult) {
        let kind: SkipKind
        let read = directory >= 0 ? FileSystem.readFile(folder + "/entry_points.txt", relativeTo: directory)
            : FileSystem.readFile(path + "/entry_points.txt")
        switch read {
        case .success(let bytes):
            result.entryPointFilesRead += 1
            if EntryPointsText.isASCII(bytes) {
                guard let parsed = EntryPointsText.parseASCII(bytes, distribution: folder) else {
                    kind = .malformed
                    break
                }
                result.entryPoints.append(contentsOf: parsed)
                return
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                kind = .invalidUTF8
                break
            }
            guard let parsed = EntryPointsText.parse(text, distribution: folder) else {
                kind = .malformed
                break
            }
            result.entryPoints.append(contentsOf: parsed)
            return
        case .failure(let code):
            switch code.value {
            case ENOENT: kind = .missing
            case EISDIR: kind = .isDirectory
            case ENOTDIR: kind = .notADirectory
            case EACCES, EPERM: kind = .permissionDenied
            default: kind = .readError
            }
        }
        result.skipped[kind.rawValue, default: 0] += 1
    }

    /// Metadata folders of one path entry in the order `Lookup.search` yields them: grouped by
    /// lower-cased normalized name in order of first appearance, then `EGG-INFO` of an `.egg`.
    /// A metadata folder found in a listing, with its grouping key.
    struct Candidate: Equatable {
        let folder: String
        /// `low.rpartition(".")[0].partition("-")[0]`, normalized.
        let key: String
        /// The name ends in exactly `.dist-info` or `.egg-info` (case-sensitive, as `splitext` sees it).
        let exactSuffix: Bool
    }

    static func distributionFolders(root: String, names: [String]) -> [Candidate] {
        var order: [String] = []
        var groups: [String: [Candidate]] = [:]
        var eggs: [Candidate] = []
        let baseIsEgg = basename(root).lowercased().hasSuffix(".egg")
        for child in names {
            let lower = asciiLowercased(child) ?? child.lowercased()
            if lower.hasSuffix(".dist-info") || lower.hasSuffix(".egg-info") {
                // `low.rpartition(".")[0].partition("-")[0]`
                // The suffix matched, so the last "." is ASCII: find it on the UTF-8 view (fast).
                let dot = lower.utf8.lastIndex(of: UInt8(ascii: "."))!
                let stem = lower[..<dot]
                let key = normalize(String(stem.prefix { $0 != "-" }))
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(Candidate(folder: child, key: key,
                                                          exactSuffix: child.hasSuffix(".dist-info") || child.hasSuffix(".egg-info")))
            } else if baseIsEgg, lower == "egg-info" {
                eggs.append(Candidate(folder: child, key: "", exactSuffix: false))
            }
        }
        return order.flatMap { groups[$0]! } + eggs
    }

    /// `PathDistribution._normalized_name`: the folder name's part before the first `-` when the
    /// suffix is exactly `.dist-info` / `.egg-info` (case-sensitive `os.path.splitext`), else the
    /// `Name` in the metadata. Where CPython would fail (no metadata), the folder name is used.
    static func uniqueKey(folder: String, path: String) -> String {
        if let (stem, ext) = splitExtension(folder), ext == ".dist-info" || ext == ".egg-info" {
            let key = normalize(String(stem.prefix { $0 != "-" }))
            if !key.isEmpty { return key }  // `... or super()._normalized_name`
        }
        for file in ["METADATA", "PKG-INFO"] {
            if case .success(let bytes) = FileSystem.readFile(path + "/" + file),
               let text = String(validating: bytes, as: UTF8.self),
               let name = metadataName(text) {
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

    // Lower-cases an ASCII string byte by byte; nil for anything else (Unicode case mapping).
    private static func asciiLowercased(_ s: String) -> String? {
        var bytes = Array(s.utf8)
        for i in bytes.indices {
            let b = bytes[i]
            if b >= 0x80 { return nil }
            if b >= 0x41 && b <= 0x5A { bytes[i] = b + 0x20 }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // `posixpath.splitext`: split at the last dot unless everything before it is dots.
    private static func splitExtension(_ name: String) -> (String, String)? {
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), name.utf8[..<dot].contains(where: { $0 != UInt8(ascii: ".") })
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
