import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The metadata folders of one path entry, found on the raw bytes of `readdir` names: a
/// site-packages holds thousands of names, and only the distribution folders need a `String`
/// (their grouping key). One value is reused for every path entry of a scan, so that listing
/// allocates almost nothing per name.
struct MetadataFolders {
    /// A metadata folder found in a listing, with its grouping key.
    struct Candidate {
        /// The folder name's bytes in `MetadataFolders.names`.
        var name: Range<Int>
        /// `low.rpartition(".")[0].partition("-")[0]`, normalized.
        var key: String
        /// `KeySet.hash(key)`.
        var hash: UInt64
        /// The name ends in exactly `.dist-info` or `.egg-info` (case-sensitive, as `splitext` sees it).
        var exactSuffix: Bool
        /// Position of `key` in order of first appearance (`Lookup` groups by it); eggs come last.
        var group: Int
    }

    /// Candidate names back to back (no terminators).
    private(set) var names: [UInt8] = []
    /// In the order `Lookup.search` yields them once `collect` has returned.
    private(set) var candidates: [Candidate] = []
    /// Names that are not valid UTF-8 (`SkipKind.undecodableName`).
    private(set) var undecodable = 0
    /// Every name the listing held but `.` and `..`: what `os.listdir` returns (the scan's cost).
    private(set) var listed = 0
    private var groups = KeySet()

    /// Reads every entry of `directory` and keeps the metadata folders in `Lookup.search` order:
    /// grouped by lower-cased normalized name in order of first appearance, then `EGG-INFO` of an
    /// `.egg` (`baseIsEgg`). Returns `errno` when `readdir` fails.
    mutating func collect(_ directory: DirectoryStream, baseIsEgg: Bool) -> POSIXErrno? {
        names.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)
        groups.removeAll()
        undecodable = 0
        listed = 0
        var eggs = 0
        var regrouped = false  // a key seen twice: the listing order is not the group order
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { return POSIXErrno(errno) }
                break
            }
            let raw = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
            let bytes = UnsafeBufferPointer(
                start: raw, count: strlen(UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self)))
            if !Self.isDotOrDotDot(bytes) { listed += 1 }
            let ascii = ByteWord.isASCII(bytes)
            if !ascii, String(validating: bytes, as: UTF8.self) == nil {
                undecodable += 1
                continue
            }
            guard
                let (key, hash, exact) = ascii
                    ? Self.asciiKey(bytes) : Self.unicodeKey(String(decoding: bytes, as: UTF8.self))
            else {
                if baseIsEgg, bytes.count == 8, Self.equalsIgnoringASCIICase(bytes, "egg-info") {
                    let start = names.count
                    names.append(contentsOf: bytes)
                    candidates.append(
                        Candidate(name: start..<names.count, key: "", hash: 0, exactSuffix: false, group: Int.max))
                    eggs += 1
                }
                continue
            }
            let (new, group) = groups.insert(key, hash: hash)
            if !new { regrouped = true }
            let start = names.count
            names.append(contentsOf: bytes)
            candidates.append(
                Candidate(name: start..<names.count, key: key, hash: hash, exactSuffix: exact, group: group))
        }
        if regrouped || eggs > 0 {
            // Stable: by group, then by listing position.
            candidates = candidates.enumerated().sorted {
                ($0.element.group, $0.offset) < ($1.element.group, $1.offset)
            }.map(\.element)
        }
        return nil
    }

    private static func isDotOrDotDot(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        (name.count == 1 || name.count == 2) && name.allSatisfy { $0 == UInt8(ascii: ".") }
    }

    /// The folder name of a candidate as a `String`.
    func folder(_ candidate: Candidate) -> String {
        names.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[candidate.name]), as: UTF8.self)
        }
    }

    // Grouping key of an ASCII name ending in `.dist-info` / `.egg-info` in any case, else nil.
    private static func asciiKey(_ name: UnsafeBufferPointer<UInt8>) -> (String, UInt64, Bool)? {
        guard let exact = suffix(name, ".dist-info") ?? suffix(name, ".egg-info") else { return nil }
        // The suffix starts with ".", so a last dot exists: `rpartition(".")[0]`, then `partition("-")[0]`.
        let dot = name.lastIndex(of: UInt8(ascii: "."))!
        let stem = name[..<dot].prefix { $0 != UInt8(ascii: "-") }
        // `normalize` of a lower-cased stem without "-": runs of "_" and "." become one "_".
        var hash = KeySet.offsetBasis
        let key = String(unsafeUninitializedCapacity: stem.count) { out in
            var count = 0
            var inRun = false
            for byte in stem {
                let mapped: UInt8
                if byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                    if inRun { continue }
                    mapped = UInt8(ascii: "_")
                    inRun = true
                } else {
                    mapped = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                    inRun = false
                }
                out[count] = mapped
                count += 1
                hash = KeySet.step(hash, mapped)
            }
            return count
        }
        return (key, hash, exact)
    }

    // nil unless `name` ends in `suffix` ignoring ASCII case; else whether it ends in it exactly.
    private static func suffix(_ name: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool? {
        let length = suffix.utf8CodeUnitCount
        guard name.count >= length else { return nil }
        let tail = UnsafeBufferPointer(rebasing: name[(name.count - length)...])
        guard equalsIgnoringASCIICase(tail, suffix) else { return nil }
        return memcmp(tail.baseAddress!, suffix.utf8Start, length) == 0
    }

    // The same for a non-ASCII name, with Unicode lower-casing as Python's `str.lower()`.
    private static func unicodeKey(_ child: String) -> (String, UInt64, Bool)? {
        let lower = child.lowercased()
        guard lower.hasSuffix(".dist-info") || lower.hasSuffix(".egg-info") else { return nil }
        let dot = lower.utf8.lastIndex(of: UInt8(ascii: "."))!
        let key = EntryPointScanner.normalize(String(lower[..<dot].prefix { $0 != "-" }))
        return (key, KeySet.hash(key), child.hasSuffix(".dist-info") || child.hasSuffix(".egg-info"))
    }

    private static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
        for i in 0..<bytes.count
        where (bytes[i] >= 0x41 && bytes[i] <= 0x5A ? bytes[i] + 0x20 : bytes[i]) != expected[i] {
            return false
        }
        return true
    }
}

#if canImport(Darwin)
    /// What `opendir` returns.
    typealias DirectoryStream = UnsafeMutablePointer<DIR>
#else
    /// What `opendir` returns.
    typealias DirectoryStream = OpaquePointer
#endif
