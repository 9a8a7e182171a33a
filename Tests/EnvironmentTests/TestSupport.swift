import Foundation
import TestSupport

extension TemporaryDirectory {
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
