import Foundation

extension ScenarioFromLogs {
    /// A log given twice in one set: the path given again, and the earlier path naming the same file.
    public struct RepeatedLog: Equatable, Sendable {
        public var first: String
        public var again: String

        /// `a.log is given twice`, or `./a.log is the same file as a.log`.
        public var description: String {
            first == again ? "\(again) is given twice" : "\(again) is the same file as \(first)"
        }
    }

    /// The first path of `paths` that names a file given before it (same device and inode, so
    /// `a.log`, `./a.log`, a link to it and a hard link are one log): its runs would count twice.
    /// A path that cannot be stat'ed is skipped; reading it says why.
    public static func repeatedLog(in paths: [String]) -> RepeatedLog? {
        struct Identity: Hashable {
            let device: UInt64
            let inode: UInt64
        }
        var seen: [Identity: String] = [:]
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            if let first = seen[identity] { return RepeatedLog(first: first, again: path) }
            seen[identity] = path
        }
        return nil
    }
}
