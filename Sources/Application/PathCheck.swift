import Foundation
import Model

/// Checks of the paths a command line names for output, made before a run starts so that a bad
/// one costs one line (flag, path, what is wrong) and exit status 2 instead of a half-made run.
///
/// Each check returns the problem in words, or nil. Whether a folder can be created is tried for
/// real (a probe folder made and removed at once): permissions, read-only and virtual file systems
/// all answer it the same way, which no reading of mode bits does.
public enum PathCheck {
    /// `--output`: a folder that does not exist yet (not even as a dangling link) and can be made.
    public static func newFolder(_ url: URL) -> String? {
        let kind = FileKind.of(url.path)
        if kind == .danglingSymlink || kind == .symlinkLoop { return kind.description }
        if kind.occupied { return "already exists; choose a new folder" }
        return creatable(url)
    }

    /// `--output-root`, `--cache-dir`: an existing folder that takes new folders, or one that can be made.
    public static func folder(_ url: URL) -> String? {
        let kind = FileKind.of(url.path)
        if kind.absent { return creatable(url) }
        if let problem = kind.notAFolder { return problem }
        return probe(in: url).map { "cannot create folders in it: \($0)" }
    }

    /// `--output FILE`, `--export-*`: the one rule for a file the tool writes (`OutputFile.problem`).
    public static func newFile(_ url: URL) -> String? { OutputFile.problem(url) }

    /// Whether the missing folder `url` could be made: its nearest existing ancestor must be a
    /// folder that takes new folders.
    static func creatable(_ url: URL) -> String? {
        var ancestor = url.deletingLastPathComponent()
        while FileKind.of(ancestor.path).absent, ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        if let problem = FileKind.of(ancestor.path).notAFolder {
            return "cannot create it: \(ancestor.path) \(problem)"
        }
        return probe(in: ancestor).map { "cannot create folder: \($0)" }
    }

    /// Makes and removes a probe folder in `folder`; the reason it failed, or nil.
    static func probe(in folder: URL) -> String? {
        let name = folder.appendingPathComponent(".simulate-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(name.path, 0o700) == 0 else {
            let code = errno
            // procfs and sysfs answer ENOENT for a folder that cannot exist there.
            if code == ENOENT { return "\(folder.path) does not accept new folders (a virtual file system?)" }
            return reason(code)
        }
        rmdir(name.path)
        return nil
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
