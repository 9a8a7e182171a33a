import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin POSIX wrappers. The scanner needs the exact `errno` of each failure (importlib treats
/// `FileNotFoundError`, `IsADirectoryError`, `PermissionError`, ... differently from other
/// errors), which Foundation's file APIs do not expose reliably on Linux.
package enum FileSystem {
    /// The most bytes read from one metadata file (`entry_points.txt`, `METADATA`, ...). CPython
    /// reads any size; a file over this is skipped instead, so that no distribution can make a
    /// scan grow without bound (docs/strategies.md, "Departures from CPython").
    package static let metadataLimit = 1 << 20

    /// A directory's entry names in `readdir` order (as `os.listdir` returns them), or `errno`.
    /// Names that are not valid UTF-8 are left out and counted.
    static func list(_ path: String) -> Result<(names: [String], undecodable: Int), POSIXErrno> {
        guard let directory = opendir(path) else { return .failure(POSIXErrno(errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        var undecodable = 0
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { return .failure(POSIXErrno(errno)) }
                break
            }
            let raw = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
            guard let name = String(validatingCString: raw) else {
                undecodable += 1
                continue
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return .success((names, undecodable))
    }

    /// The whole content of a regular file of at most `metadataLimit` bytes, or why not
    /// (`EISDIR` for a directory, from `read`).
    /// - Parameter directory: a directory descriptor `path` is relative to (`openat`), which spares
    ///   the kernel the walk of the full path for every file of a large site-packages.
    static func readFile(_ path: String, relativeTo directory: Int32 = AT_FDCWD) -> Result<[UInt8], ReadFailure> {
        // O_NONBLOCK: a FIFO named like a metadata file must not hang the scan.
        let fd = openat(directory, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.system(errno)) }
        defer { close(fd) }
        // Read straight into the result, sized from fstat; no zero-filled scratch buffer per file.
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.system(errno)) }
        if let refused = ReadFailure.refusing(info) { return .failure(refused) }
        let expected = max(0, Int(info.st_size))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expected + 1)
        var capacity = max(expected + 1, 4096)
        while true {
            var failure: Int32 = 0
            var ended = false
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: capacity))
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + start, capacity) }
            if count >= 0 {
                bytes.removeLast(capacity - count)
                ended = count == 0
            } else {
                bytes.removeLast(capacity)
                failure = errno
            }
            if ended { return .success(bytes) }
            if bytes.count > metadataLimit { return .failure(.tooLarge) }  // it grew while read
            if failure != 0 && failure != EINTR { return .failure(.system(failure)) }
            // A short read usually means the end: check it with a small buffer; grow if the file did.
            capacity = count == capacity ? 65_536 : 512
        }
    }

    /// Writes `bytes` with plain `open` + `write`, no `fsync` (Foundation's `Data.write` syncs,
    /// about 10 ms here, which neither the environment nor the cache designs do).
    /// - Parameter exclusive: create a new file (`O_EXCL`, for temporaries); else create or truncate.
    package static func writeFile(_ path: String, _ bytes: some ContiguousBytes, exclusive: Bool = false) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0o644)
        guard fd >= 0 else { throw EnvironmentError.io(path: path, errno: errno) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw EnvironmentError.io(path: path, errno: errno)
                }
                offset += written
            }
        }
    }

    /// Creates one directory (its parent must exist).
    static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw EnvironmentError.io(path: path, errno: errno) }
    }

    /// `stat` (following symbolic links, as Python's `os.stat` and `open` do).
    static func status(_ path: String) -> Result<StatInfo, POSIXErrno> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(POSIXErrno(errno)) }
        return .success(StatInfo(info))
    }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        if case .success(let info) = status(path) { return info.isDirectory }
        return false
    }

    /// Removes a file tree; a tree that is already gone is not an error.
    static func removeTree(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            if case .failure(let code) = status(path), code.value == ENOENT { return }
            throw error
        }
    }

    /// True when a name ends with `.dist-info` or `.egg-info`, ignoring case as importlib's
    /// `Lookup` does (it lower-cases each child name before testing the suffix).
    static func isDistributionFolderName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".dist-info") || lower.hasSuffix(".egg-info")
    }
}

/// Reads `<folder>/<file>` relative to a directory descriptor into one reused buffer: the scan
/// reads hundreds of small files, and a path `String`, its C copy and a fresh array per file cost
/// more than the read itself.
struct RelativeFileReader {
    /// The last file read is `bytes[..<count]` (the buffer only grows).
    private(set) var bytes = [UInt8](repeating: 0, count: 16_384)  // most files are far smaller
    private var path = [UInt8](repeating: 0, count: 512)

    /// Reads the whole file, as `FileSystem.readFile` does (the same failures), and returns how
    /// many bytes it holds.
    mutating func read(_ folder: UnsafeBufferPointer<UInt8>, _ file: StaticString, relativeTo directory: Int32)
        -> Result<Int, ReadFailure>
    {
        let length = folder.count + file.utf8CodeUnitCount
        if path.count <= length { path = [UInt8](repeating: 0, count: length + 1) }
        let fd = path.withUnsafeMutableBufferPointer { buffer -> Int32 in
            let start = buffer.baseAddress!
            if let source = folder.baseAddress { start.update(from: source, count: folder.count) }
            (start + folder.count).update(from: file.utf8Start, count: file.utf8CodeUnitCount)
            start[length] = 0
            // O_NONBLOCK: a FIFO named like a metadata file must not hang the scan.
            return openat(
                directory, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self),
                O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        }
        guard fd >= 0 else { return .failure(.system(errno)) }
        defer { close(fd) }
        // One fstat before any read: a device (`/dev/zero`) or FIFO is never read, a file over the
        // limit never buffered.
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.system(errno)) }
        if let refused = ReadFailure.refusing(info) { return .failure(refused) }
        // One read usually takes the whole file, and a second one returning 0 proves the end.
        var count = 0
        while true {
            if count > FileSystem.metadataLimit { return .failure(.tooLarge) }  // it grew while read
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let got = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + count, $0.count - count) }
            if got > 0 {
                count += got
            } else if got == 0 {
                return .success(count)
            } else if errno != EINTR {
                return .failure(.system(errno))
            }
        }
    }
}

// `read(2)`, named apart from the method above.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Why a metadata file's bytes were not read.
enum ReadFailure: Error, Equatable {
    /// `open`, `fstat` or `read` failed with this `errno`.
    case system(Int32)
    /// A device, FIFO or socket: opened without blocking, never read.
    case notRegularFile
    /// Larger than `FileSystem.metadataLimit`: never read past it.
    case tooLarge

    /// The refusal `info` calls for before anything is read, or nil. A directory passes: its
    /// `read` fails with `EISDIR`, which callers treat as CPython does.
    static func refusing(_ info: stat) -> ReadFailure? {
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { return nil }
        if kind != S_IFREG { return .notRegularFile }
        return Int(info.st_size) > FileSystem.metadataLimit ? .tooLarge : nil
    }

    /// The `errno` of a system failure, or nil for a refusal.
    var code: Int32? {
        if case .system(let code) = self { return code }
        return nil
    }
}

/// An `errno` value carried through `Result`.
struct POSIXErrno: Error, Equatable {
    let value: Int32
    init(_ value: Int32) { self.value = value }
}

/// The part of `struct stat` the fingerprints use, with times as nanoseconds since the epoch.
struct StatInfo {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let mode: UInt32
    let mtimeNanoseconds: Int64
    let ctimeNanoseconds: Int64

    var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }

    init(_ info: stat) {
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        size = Int64(info.st_size)
        mode = UInt32(info.st_mode)
        #if canImport(Darwin)
            mtimeNanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
            ctimeNanoseconds = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
        #else
            mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            ctimeNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        #endif
    }
}

/// Directory listing for other modules (the stevedore-style cache emulates `glob` with it).
public enum DirectoryListing {
    /// Entry names in `readdir` order (as `os.scandir` yields them), or nil when the directory
    /// cannot be listed.
    public static func names(_ path: String) -> [String]? {
        if case .success(let listing) = FileSystem.list(path) { return listing.names }
        return nil
    }
}
