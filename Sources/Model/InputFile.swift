import Foundation

/// A file the tool reads, opened the one way every reader opens its input: regular files only,
/// read in bounded pieces, never a hang.
///
/// It is opened with `O_NONBLOCK`, so a FIFO with no writer cannot block the open, then checked
/// with `fstat` on the open descriptor (no race with the path being swapped): a FIFO, a pipe
/// (`<(...)`), a device (`/dev/zero`), a socket or a folder is refused with a one-line reason.
/// A caller reads a regular file in chunks (`read(into:)`) or whole up to a limit (`readAll`).
public final class InputFile {
    /// Why a file gives no bytes.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// It could not be opened or read (the system's words).
        case unreadable(String)
        /// It is not a regular file: what it is instead.
        case notAFile(FileKind)
        /// It holds more than the reader's limit; only the limit and one byte were read.
        case tooLarge(limit: Int)

        /// `errno`'s text as the system words it (`No such file or directory`).
        static func system(_ code: Int32) -> Failure { .unreadable(String(cString: strerror(code))) }

        /// `cannot be read (REASON)`, `is a FIFO, not a file`, `is larger than N bytes`.
        public var description: String {
            switch self {
            case .unreadable(let why): return "cannot be read (\(why))"
            case .notAFile(let kind): return kind.notAFile ?? kind.description
            case .tooLarge(let limit): return "is larger than \(limit) bytes"
            }
        }
    }

    /// The open descriptor, closed when the value goes away.
    public let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Opens `path` (relative to the folder descriptor `directory` when it is relative).
    public static func open(_ path: String, relativeTo directory: Int32 = AT_FDCWD) -> Result<InputFile, Failure> {
        let fd = openat(directory, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.system(errno)) }
        let file = InputFile(descriptor: fd)
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.system(errno)) }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regular else { return .failure(.notAFile(kind)) }
        // Blocking reads again: a regular file never blocks, and EAGAIN must not end a read early.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(file)
    }

    /// Reads the next bytes into `buffer`: the count read, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return .success(count) }
            if errno != EINTR { return .failure(.system(errno)) }
        }
    }

    /// The whole file, or why not: one over `limit` bytes fails after reading `limit + 1`.
    public static func readAll(_ path: String, limit: Int) -> Result<Data, Failure> {
        let file: InputFile
        switch open(path) {
        case .success(let opened): file = opened
        case .failure(let failure): return .failure(failure)
        }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: min(limit + 1, 1 << 16))
        while data.count <= limit {
            let wanted = min(chunk.count, limit + 1 - data.count)
            let count: Int
            switch chunk.withUnsafeMutableBytes({
                file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
            }) {
            case .success(let n): count = n
            case .failure(let failure): return .failure(failure)
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[..<count])
        }
        return data.count > limit ? .failure(.tooLarge(limit: limit)) : .success(data)
    }
}
