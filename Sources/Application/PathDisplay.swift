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
