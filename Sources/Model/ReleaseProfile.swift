/// How the catalog a tap prints during discovery reaches its file.
public enum CatalogWriteMode: String, Codable, Sendable {
    /// Plain buffered writes (Meltano 3.6.0, 4.1+, 3.9.2+).
    case sync
    /// One hop to a worker thread per line, as the async file API did from 3.7.0a1 until PR #9724.
    case threadHop = "thread-hop"
}

/// The wording of the unknown-scheme error, by Meltano release line.
public enum ErrorMessageStyle: String, Codable, Sendable {
    case enum360 = "3.6.0"
    case addon37 = "3.7.2-3.9"
    case addon4 = "4.x"

    /// The message Meltano prints for `scheme`; `available` comes from `backends()` where the release calls it.
    public func message(scheme: String, available: [String]) -> String {
        switch self {
        case .enum360:
            return "'\(scheme)' is not a valid StateBackend"
        case .addon37:
            return
                "No state backend found for scheme '\(scheme)'. Available backends: \(available.joined(separator: ", "))"
        case .addon4:
            return
                "No state backend found for scheme '\(scheme)', available backends are: \(available.joined(separator: ", "))"
        }
    }

    /// Whether building the message calls `backends()` (and so may scan).
    public var callsBackends: Bool { self != .enum360 }
}

/// A named Meltano behaviour: which discovery calls an invocation makes and how they are cached.
///
/// The facts come from Meltano's source at each tag (docs/model.md, "The Meltano facts it rests on"): 3.7.x–4.x resolve
/// `systemdb` without touching entry points, scan `meltano.settings` once per process, and in the
/// tap's state lookup raise the unknown-scheme error twice (the except block rebuilds the manager).
public struct ReleaseProfile: Sendable, Codable, Equatable {
    public let name: String
    public let summary: String
    public let strategy: DiscoveryStrategy
    /// `systemdb` is resolved before any entry-point lookup (true in every released 3.7.x–4.x).
    public let systemdbShortCircuit: Bool
    /// Resolving project settings scans the `meltano.settings` group (3.7.0 onwards).
    public let scansSettingsGroup: Bool
    /// The tap's lookup raises the unknown-scheme error twice, rebuilding the manager in between.
    public let tapErrorRaisedTwice: Bool
    public let errorMessage: ErrorMessageStyle
    public let catalogWrite: CatalogWriteMode

    /// The profiles the tool knows, in the order the report lists them.
    public static let all: [ReleaseProfile] = [
        ReleaseProfile(
            name: "meltano-3.6.0", summary: "fixed enum of backends; sync catalog writes",
            strategy: .staticEnum, systemdbShortCircuit: true, scansSettingsGroup: false,
            tapErrorRaisedTwice: true, errorMessage: .enum360, catalogWrite: .sync),
        ReleaseProfile(
            name: "meltano-3.7.9",
            summary: "entry-point add-on, class-level cached property; catalog written with a thread hop per line",
            strategy: .perProcess, systemdbShortCircuit: true, scansSettingsGroup: true,
            tapErrorRaisedTwice: true, errorMessage: .addon37, catalogWrite: .threadHop),
        ReleaseProfile(
            name: "seed-3.7.9",
            summary: "the benchmark note's account of 3.7.9: a fresh add-on object per use, no systemdb short-cut",
            strategy: .perInstance, systemdbShortCircuit: false, scansSettingsGroup: true,
            tapErrorRaisedTwice: true, errorMessage: .addon37, catalogWrite: .threadHop),
        ReleaseProfile(
            name: "fix-branch", summary: "the note's lazy init + module cache on 3.7.9 (catalog write untouched)",
            strategy: .perProcess, systemdbShortCircuit: true, scansSettingsGroup: true,
            tapErrorRaisedTwice: true, errorMessage: .addon37, catalogWrite: .threadHop),
        ReleaseProfile(
            name: "meltano-4.1", summary: "per-process discovery; sync catalog writes again (PR #9724)",
            strategy: .perProcess, systemdbShortCircuit: true, scansSettingsGroup: true,
            tapErrorRaisedTwice: true, errorMessage: .addon4, catalogWrite: .sync),
    ]

    public static func named(_ name: String) -> ReleaseProfile? { all.first { $0.name == name } }

    /// Importing Meltano 3.x lists every path entry before its first scan: its `flatten_dict`
    /// dependency asks `importlib_metadata` for its version at import (4.x dropped it), so that
    /// scan finds the listings made (docs/model.md, "The discovery scan's cost").
    public var listsPathEntriesAtImport: Bool { name != "meltano-4.1" }
}

/// One column of a comparison: a profile, optionally with its discovery strategy swapped.
///
/// Spelled `meltano-3.7.9`, `meltano-4.1+persistent`, or a bare strategy (`persistent`), which
/// means meltano-3.7.9's calls with that strategy.
public struct Variant: Sendable, Codable, Equatable {
    public let name: String
    public let release: ReleaseProfile
    public let strategy: DiscoveryStrategy

    /// The profile a bare strategy name applies to.
    public static let defaultProfileForStrategy = "meltano-3.7.9"

    /// Resolves a variant name, or explains which names exist.
    public static func resolve(_ name: String) -> Result<Variant, KeyProblem> {
        if let profile = ReleaseProfile.named(name) {
            return .success(Variant(name: name, release: profile, strategy: profile.strategy))
        }
        if let strategy = DiscoveryStrategy(rawValue: name),
            let profile = ReleaseProfile.named(defaultProfileForStrategy)
        {
            return .success(Variant(name: name, release: profile, strategy: strategy))
        }
        let parts = name.split(separator: "+", maxSplits: 1).map(String.init)
        if parts.count == 2, let profile = ReleaseProfile.named(parts[0]),
            let strategy = DiscoveryStrategy(rawValue: parts[1])
        {
            return .success(Variant(name: name, release: profile, strategy: strategy))
        }
        return .failure(
            KeyProblem(
                "unknown variant '\(name)' (profiles: \(ReleaseProfile.all.map(\.name).joined(separator: ", ")); "
                    + "strategies: \(DiscoveryStrategy.allCases.map(\.rawValue).joined(separator: ", ")); or PROFILE+STRATEGY)"
            ))
    }
}

/// Why one value does not fit its key; `ScenarioError` adds the location.
public struct KeyProblem: Error, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}
