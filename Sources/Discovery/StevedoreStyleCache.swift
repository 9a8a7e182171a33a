import Environment
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The known design `persistent` is compared with: stevedore's `_cache.py`, step for step.
///
/// - Key: SHA-256 of the interpreter, the prefix, and for every path entry its path and mtime,
///   then every `<entry>/*.dist-info/entry_points.txt` and `<entry>/*.egg-info/entry_points.txt`
///   that exists (two `glob` passes: one listing per pattern and one `lstat` per metadata folder)
///   with its path and mtime (one more `stat`). Times are packed as float32 seconds
///   (`struct.pack('f', st_mtime)`), which at today's epoch rounds them to 128 s.
/// - File: `<directory>/<hex digest>`, JSON `{groups, sys.executable, sys.prefix, path_values}`;
///   a hit reads and decodes the whole file, then takes one group.
/// - Miss: scan, write with a plain truncate-and-write (no temporary file, no lock), so
///   concurrent first invocations all scan, and a reader can meet a half-written file (a decode
///   error, which is a miss).
///
/// So a hit costs O(N) stats plus decoding every entry point, and an edit that keeps the set of
/// `entry_points.txt` paths and lands in the same 128 s bucket is served stale.
struct StevedoreStyleCache {
    let directory: String
    let pathEntries: [String]
    let interpreter: String
    let prefix: String

    init(directory: URL, pathEntries: [String], interpreter: String, prefix: String) {
        self.directory = directory.standardizedFileURL.path
        self.pathEntries = pathEntries
        self.interpreter = interpreter
        self.prefix = prefix
    }

    /// What one `_get_data_for_path` call did.
    struct Outcome {
        var groups: [String: [EntryPoint]]
        var hit: Bool
        var corrupt: Bool
        var stats: Int
        var wrote: Bool
    }

    /// `_hash_settings_for_path`: the digest, the (path, mtime) pairs and the `stat`/`lstat` count.
    func key() -> (digest: String, pathValues: [(String, Double)], stats: Int) {
        var hash = SHA256()
        hash.update(interpreter)
        hash.update(prefix)
        var values: [(String, Double)] = []
        var stats = 0
        func add(_ path: String, _ mtime: Double) {
            hash.update(path)
            withUnsafeBytes(of: Float(mtime).bitPattern.littleEndian) { hash.update(bytes: Array($0)) }
            values.append((path, mtime))
        }
        for entry in pathEntries {
            stats += 1
            add(entry, Self.mtime(entry))
            for suffix in [".dist-info", ".egg-info"] {  // `itertools.chain` of two `iglob` calls
                guard let listing = DirectoryListing.names(entry.isEmpty ? "." : entry) else { continue }
                // `fnmatch` is case-sensitive on POSIX and `*` skips hidden names.
                for name in listing where !name.hasPrefix(".") && name.hasSuffix(suffix) {
                    let file = (entry.hasSuffix("/") ? entry : entry + "/") + name + "/entry_points.txt"
                    stats += 1
                    var info = stat()
                    guard lstat(file, &info) == 0 else { continue }  // `glob._lexists`
                    stats += 1
                    add(file, Self.mtime(file))
                }
            }
        }
        return (hash.hexDigest(), values, stats)
    }

    /// Reads the entry for the current key, or scans and writes it.
    func load(scan: () -> [EntryPoint]) -> Outcome {
        let (digest, pathValues, stats) = key()
        let file = directory + "/" + digest
        var corrupt = false
        if let data = FileManager.default.contents(atPath: file) {
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let groups = object["groups"] as? [String: [[String]]]
            {
                var decoded: [String: [EntryPoint]] = [:]
                for (group, rows) in groups {
                    decoded[group] = rows.filter { $0.count == 3 }.map {
                        EntryPoint(name: $0[0], group: $0[2], value: $0[1], distribution: "")
                    }
                }
                return Outcome(groups: decoded, hit: true, corrupt: false, stats: stats, wrote: false)
            }
            corrupt = true  // `json.JSONDecodeError`: treated as a miss
        }
        var groups: [String: [EntryPoint]] = [:]
        var rows: [String: [[String]]] = [:]
        for ep in scan() {
            // stevedore drops duplicate (name, value, group) tuples within a group.
            let row = [ep.name, ep.value, ep.group]
            if rows[ep.group, default: []].contains(row) { continue }
            rows[ep.group, default: []].append(row)
            groups[ep.group, default: []].append(
                EntryPoint(name: ep.name, group: ep.group, value: ep.value, distribution: ""))
        }
        let document: [String: Any] = [
            "groups": rows, "sys.executable": interpreter, "sys.prefix": prefix,
            "path_values": pathValues.map { [$0.0, $0.1] as [Any] },
        ]
        var wrote = false
        if let data = try? JSONSerialization.data(withJSONObject: document) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            wrote = (try? FileSystem.writeFile(file, data)) != nil  // `open(filename, 'w')`: truncate, write in place
        }
        return Outcome(groups: groups, hit: false, corrupt: corrupt, stats: stats, wrote: wrote)
    }

    /// `os.stat(name).st_mtime`, or -1.0 when the path does not exist (`_get_mtime`).
    static func mtime(_ path: String) -> Double {
        let stamp = StatStamp(path: path)
        return stamp.status == .present ? Double(stamp.mtimeNanoseconds) / 1e9 : -1.0
    }
}
