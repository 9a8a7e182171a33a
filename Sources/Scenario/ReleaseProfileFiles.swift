import Foundation
import Model

/// Release profiles on disk (docs/profiles.md): `scenarios/profiles/*.json` beside the scenarios,
/// read with `Codable` and checked, or one file named by path.
public enum ReleaseProfileFiles {
    /// The most bytes a profile file may hold (the probe's counts are a few KiB).
    public static let maxFileBytes = 1 << 20
    /// The folder name under each `scenarios/` folder.
    public static let folderName = "profiles"

    /// `scenarios/profiles/` folders to search, in the order the scenario loader searches `scenarios/`.
    public static func folders(currentDirectory: URL, executable: URL) -> [URL] {
        ScenarioLoader.scenarioFolders(currentDirectory: currentDirectory, executable: executable)
            .map { $0.appendingPathComponent(folderName) }
    }

    /// The profiles of this process's standard folders, read once (a bad shipped file is an error
    /// each time a variant is resolved, named with its path).
    public static let standard: Result<ReleaseProfileCatalogue, ScenarioError> = Result {
        try catalogue(
            folders: folders(
                currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                executable: URL(fileURLWithPath: CommandLine.arguments.first ?? ".")))
    }.mapError { $0 as? ScenarioError ?? ScenarioError(location: folderName, key: nil, problem: "\($0)") }

    /// Every `*.json` of `folders`; a name found in an earlier folder hides later ones. Probed
    /// profiles come first, by release version, then hypothetical ones by name.
    public static func catalogue(folders: [URL]) throws -> ReleaseProfileCatalogue {
        var byName: [String: ReleaseProfile] = [:]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for file in names.sorted() where file.hasSuffix(".json") {
                let profile = try load(folder.appendingPathComponent(file)).profile
                if byName[profile.name] == nil { byName[profile.name] = profile }
            }
        }
        return ReleaseProfileCatalogue(byName.values.sorted(by: listingOrder))
    }

    static func listingOrder(_ a: ReleaseProfile, _ b: ReleaseProfile) -> Bool {
        func key(_ p: ReleaseProfile) -> (Int, [Int], String) {
            let version = (p.provenance.release ?? "").split(separator: ".").map { Int($0) ?? 0 }
            return (p.provenance.kind == .probed ? 0 : 1, version, p.name)
        }
        let (ka, kb) = (key(a), key(b))
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1.lexicographicallyPrecedes(kb.1) }
        return ka.2 < kb.2
    }

    /// One profile file, checked: its schema version, its fields, a usable error template.
    public static func load(_ url: URL) throws -> ReleaseProfileFile {
        let shown = url.path
        if case let kind = FileKind.of(url.path), kind != .regular {
            throw ScenarioError(location: shown, key: nil, problem: kind.notAFile ?? kind.description)
        }
        let data: Data
        switch InputFile.readAll(url.path, limit: maxFileBytes) {
        case .success(let bytes): data = bytes
        case .failure(.tooLarge):
            throw ScenarioError(
                location: shown, key: nil, problem: "is larger than \(maxFileBytes >> 10) KiB (the limit of a profile)")
        case .failure(let failure): throw ScenarioError(location: shown, key: nil, problem: failure.description)
        }
        struct Version: Decodable { let schema: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw ScenarioError(location: shown, key: "schema", problem: "not a release profile (no schema version)")
        }
        guard version.schema == ReleaseProfileFile.currentSchema else {
            throw ScenarioError(
                location: shown, key: "schema",
                problem: "version \(version.schema) is not supported (expected \(ReleaseProfileFile.currentSchema))")
        }
        do {
            return try JSONDecoder().decode(ReleaseProfileFile.self, from: data)
        } catch let error as DecodingError {
            throw ScenarioError(location: shown, key: error.keyPath, problem: error.plainText)
        }
    }

    /// Resolves a variant spelled with a profile's name or a profile file's path (either may be
    /// followed by `+STRATEGY`); a path's variant is named after the profile inside it.
    public static func resolveVariant(_ spelled: String, in catalogue: ReleaseProfileCatalogue) throws -> Variant {
        let parts = spelled.split(separator: "+", maxSplits: 1).map(String.init)
        let head = parts.first ?? ""
        guard head.contains("/") || head.hasSuffix(".json") else {
            switch Variant.resolve(spelled, in: catalogue) {
            case .success(let variant): return variant
            case .failure(let problem): throw problem
            }
        }
        let profile = try load(URL(fileURLWithPath: head)).profile
        let name = ([profile.name] + parts.dropFirst()).joined(separator: "+")
        switch Variant.resolve(name, in: ReleaseProfileCatalogue([profile])) {
        case .success(let variant): return variant
        case .failure(let problem): throw problem
        }
    }
}

extension DecodingError {
    /// The dotted path of the key the error is about (nil at the top).
    var keyPath: String? {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: path = []
        }
        let names = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return names.isEmpty ? nil : names.joined(separator: ".")
    }

    /// What is wrong, without the path.
    var plainText: String {
        switch self {
        case .keyNotFound: return "missing"
        case .typeMismatch(let type, _): return "expected \(type)"
        case .valueNotFound(let type, _): return "expected \(type), got null"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "\(self)"
        }
    }
}

extension ReleaseProfileFiles {
    /// `resolveVariant` against the standard folders' profiles.
    public static func variant(_ spelled: String) throws -> Variant {
        try resolveVariant(spelled, in: standard.get())
    }
}
