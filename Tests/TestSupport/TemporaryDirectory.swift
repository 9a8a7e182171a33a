import Foundation

/// A fresh folder under the system temporary directory, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// - Parameter label: part of the folder's name, so a leftover folder says which test made it.
    public init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("simulate-tests-\(safe)-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Removes the folder now; for tests whose threads may still hold this value at exit.
    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` at `relativePath`, creating folders on the way.
    @discardableResult
    public func write(_ relativePath: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    deinit {
        // Restore permissions a test may have removed, so cleanup cannot fail.
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let relative as String in walker {
                _ = chmod(path + "/" + relative, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
}
