import Foundation

/// Paths as a person wants to read them in output: relative to the current folder when inside it.
enum PathDisplay {
    static func relative(_ text: String, to cwd: URL) -> String {
        text.replacingOccurrences(of: cwd.standardizedFileURL.path + "/", with: "")
    }
}
