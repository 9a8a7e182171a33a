import Foundation

/// Release profiles made for a test from a shipped one, for a mechanism no probed release shows.
public enum TestProfiles {
    /// The package root, from this file's place in it.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Writes `no-import-listing.json` into `folder`: the shipped `meltano-4.1` with
    /// `lists_path_entries_at_import` off (every probed release lists at import, so the first scan's
    /// listing charge needs a hypothetical release to be seen), and returns its path.
    public static func withoutImportListing(in folder: URL) throws -> String {
        let shipped = repository.appendingPathComponent("scenarios/profiles/meltano-4.1.json")
        guard var profile = try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        profile["name"] = noImportListing
        profile["lists_path_entries_at_import"] = false
        profile["provenance"] = ["kind": "hypothetical", "note": "a test's: meltano-4.1 without listings at import"]
        profile["probe"] = nil
        let url = folder.appendingPathComponent("\(noImportListing).json")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: profile).write(to: url)
        return url.path
    }

    /// The name of the profile `withoutImportListing` writes.
    public static let noImportListing = "no-import-listing"
}
