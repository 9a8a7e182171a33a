import Foundation

/// A fresh folder under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL
    var path: String { url.path }

    init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("envtests-\(safe)-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Removes the folder now; for tests whose threads may still hold this value at exit.
    func remove() { try? FileManager.default.removeItem(at: url) }

    deinit {
        // Restore permissions a test may have removed, so cleanup cannot fail.
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let relative as String in walker {
                _ = chmod(path + "/" + relative, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// Creates a metadata folder (and its parents) with optional `entry_points.txt` bytes.
    @discardableResult
    func distribution(_ relative: String, entryPoints: String? = nil) throws -> String {
        let folder = path + "/" + relative
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if let entryPoints {
            try Data(entryPoints.utf8).write(to: URL(fileURLWithPath: folder + "/entry_points.txt"))
        }
        return folder
    }
}

/// Every regular file under `root` as relative path → bytes.
func fileTree(_ root: String) throws -> [String: Data] {
    var tree: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: root)!
    for case let relative as String in walker {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
        if !isDirectory.boolValue {
            tree[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
        }
    }
    return tree
}
