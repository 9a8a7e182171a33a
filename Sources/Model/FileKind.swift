import Foundation

/// What a path names, as `stat(2)` (following links) and `lstat(2)` see it: enough to say in one
/// line why a path given on the command line cannot be used, before anything is opened.
public enum FileKind: Equatable, Sendable {
    case missing
    /// A symbolic link whose target does not exist.
    case danglingSymlink
    /// Symbolic links that lead back to themselves.
    case symlinkLoop
    case regular
    case directory
    case fifo
    case device
    case socket
    /// `stat` failed otherwise (a component that is not a folder, permission, ...).
    case inaccessible(errno: Int32)

    /// The kind of `path`.
    public static func of(_ path: String) -> FileKind {
        var info = stat()
        if stat(path, &info) == 0 { return FileKind(mode: info.st_mode) }
        let code = errno
        switch code {
        case ELOOP: return .symlinkLoop
        case ENOENT:
            var link = stat()
            return lstat(path, &link) == 0 && link.st_mode & mode_t(S_IFMT) == mode_t(S_IFLNK)
                ? .danglingSymlink : .missing
        default: return .inaccessible(errno: code)
        }
    }

    /// The kind of file `st_mode` from `stat(2)` or `fstat(2)` names.
    public init(mode: mode_t) {
        switch mode & mode_t(S_IFMT) {
        case mode_t(S_IFREG): self = .regular
        case mode_t(S_IFDIR): self = .directory
        case mode_t(S_IFIFO): self = .fifo
        case mode_t(S_IFCHR), mode_t(S_IFBLK): self = .device
        case mode_t(S_IFSOCK): self = .socket
        default: self = .inaccessible(errno: EINVAL)
        }
    }

    /// Whether something (even a dangling link) is at the path, so that creating it would fail.
    public var occupied: Bool { !absent }

    /// Nothing is at the path: it is missing, or a component of it is not a folder (which the
    /// folder above it says better).
    public var absent: Bool { self == .missing || self == .inaccessible(errno: ENOTDIR) }

    /// What is wrong with this kind where a regular file is needed; nil for a regular file.
    public var notAFile: String? {
        switch self {
        case .regular: return nil
        case .directory: return "is a folder, not a file"
        default: return description
        }
    }

    /// What is wrong with this kind where a folder is needed; nil for a folder.
    public var notAFolder: String? {
        switch self {
        case .directory: return nil
        case .regular: return "is a file, not a folder"
        default: return description
        }
    }

    /// The kind in words, for a message after the path.
    public var description: String {
        switch self {
        case .missing: return "no such file or folder"
        case .danglingSymlink: return "is a dangling symlink (its target does not exist)"
        case .symlinkLoop: return "symlink loop"
        case .regular: return "is a file"
        case .directory: return "is a folder"
        case .fifo: return "is a FIFO, not a file"
        case .device: return "is a device, not a file"
        case .socket: return "is a socket, not a file"
        case .inaccessible(let code): return String(cString: strerror(code)).lowercased()
        }
    }
}
