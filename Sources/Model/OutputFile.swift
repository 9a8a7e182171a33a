import Foundation

/// The one rule for a single file the tool writes (`scenario --output`, `profile --output`,
/// `calibrate --output`, `--export-*`; docs/usage.md, "Files the tool writes"): the path names a
/// regular file or nothing, in an existing folder that takes new files. The file is written whole
/// to a temporary file beside it (created exclusively) and renamed over the path, so a reader sees
/// the old file or the new one, never half of one. A FIFO, a device, a socket or a folder at the
/// path is refused and left as it was: renaming over it would replace it silently.
public enum OutputFile {
    /// Why a file was not written.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// The path cannot take a file (bad input), in words to put after the path.
        case refused(String)
        /// Writing it failed (a full disk, an I/O error), in words to put after the path.
        case failed(String)

        public var description: String {
            switch self {
            case .refused(let why), .failed(let why): return why
            }
        }
    }

    /// What is wrong with `url` as a file to write, or nil: something other than a regular file
    /// at the path, or a folder that does not exist or does not take new files (tried for real
    /// with a probe file made and removed at once: permissions, read-only and virtual file systems
    /// all answer it the same way).
    public static func problem(_ url: URL) -> String? {
        if let problem = occupant(url) { return problem }
        let parent = url.deletingLastPathComponent()
        let parentKind = FileKind.of(parent.path)
        if parentKind.absent { return "its folder \(parent.path) does not exist" }
        if let problem = parentKind.notAFolder { return "its folder \(parent.path) \(problem)" }
        let probe = temporaryName(for: url, purpose: "probe")
        let fd = open(probe.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot create a file in \(parent.path): \(reason(errno))" }
        close(fd)
        unlink(probe.path)
        return nil
    }

    /// Writes `data` to `url` whole or not at all, after `problem(url)` found nothing wrong. The
    /// path is checked again just before the rename, so a FIFO or device put there meanwhile stays.
    public static func write(_ data: Data, to url: URL) throws(Problem) {
        if let problem = problem(url) { throw .refused(problem) }
        let temporary = temporaryName(for: url, purpose: "partial")
        let fd = open(temporary.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .failed("cannot create a file beside it: \(reason(errno))") }
        var failure: Problem?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count, failure == nil {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno != EINTR {
                    failure = .failed("cannot write it: \(reason(errno))")
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .failed("cannot write it: \(reason(errno))") }
        if close(fd) != 0, failure == nil { failure = .failed("cannot write it: \(reason(errno))") }
        if failure == nil, let problem = occupant(url) { failure = .refused(problem) }
        if failure == nil, rename(temporary.path, url.path) != 0 {
            failure = .failed("cannot write it: \(reason(errno))")
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
    }

    /// What is wrong with what is at `url` now, or nil when nothing or a regular file is there.
    static func occupant(_ url: URL) -> String? {
        let kind = FileKind.of(url.path)
        return kind.absent ? nil : kind.notAFile
    }

    /// A hidden name beside `url`, unique to this process and call.
    static func temporaryName(for url: URL, purpose: String) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(purpose)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
