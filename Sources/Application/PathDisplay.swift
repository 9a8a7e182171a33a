import Foundation
import ProcessControl

/// Paths as a person wants to read them in output and reports: relative to the current folder when
/// inside it, so that nothing in a report names this machine's folders.
public enum PathDisplay {
    public static func relative(
        _ text: String, to cwd: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> String {
        text.replacingOccurrences(of: cwd.standardizedFileURL.path + "/", with: "")
    }
}

extension PathDisplay {
    /// `path` as seen from `folder` (`../logs/a.log`), both made absolute against `cwd` first.
    public static func relativePath(of path: String, from folder: URL, currentDirectory cwd: URL) -> String {
        let absolute = path.hasPrefix("/") ? URL(fileURLWithPath: path) : cwd.appendingPathComponent(path)
        let target = absolute.standardizedFileURL.pathComponents
        let base = folder.standardizedFileURL.pathComponents
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
