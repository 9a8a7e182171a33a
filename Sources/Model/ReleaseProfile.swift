/// How the catalog a tap prints during discovery reaches its file.
public enum CatalogWriteMode: String, Codable, Sendable {
    /// Plain buffered writes.
    case sync
    /// One hop to a worker thread per line, as an async file API does.
    case threadHop = "thread-hop"
}

/// The unknown-scheme error as a release prints it: its own words, with the scheme and the list
/// of backends as placeholders (`simulate profile` makes it from the message the release printed).
public struct ErrorMessageTemplate: Codable, Sendable, Equatable {
    public static let schemePlaceholder = "{scheme}"
    public static let backendsPlaceholder = "{backends}"

    public let template: String
    /// Whether building the message calls `backends()` (and so may scan).
    public let callsBackends: Bool

    enum CodingKeys: String, CodingKey {
        case template
        case callsBackends = "calls_backends"
    }

    public init(template: String, callsBackends: Bool) {
        self.template = template
        self.callsBackends = callsBackends
    }

    /// The message for `scheme`; `available` comes from `backends()` where the release calls it.
    public func message(scheme: String, available: [String]) -> String {
        template.replacingOccurrences(of: Self.schemePlaceholder, with: scheme)
            .replacingOccurrences(of: Self.backendsPlaceholder, with: available.joined(separator: ", "))
    }
}

/// Where a release profile's behaviour comes from.
public struct ProfileProvenance: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Measured by `simulate profile` from the release's own code at work.
        case probed
        /// Written by hand to stand for an account or a branch that was never released.
        case hypothetical
    }

    public let kind: Kind
    /// The release's version as its own metadata says (probed profiles).
    public let release: String?
    public let python: String?
    /// When the probe ran (ISO 8601).
    public let probedAt: String?
    /// The command that made the file.
    public let command: String?
    /// What a hypothetical profile stands for.
    public let note: String?

    enum CodingKeys: String, CodingKey {
        case kind, release, python, command, note
        case probedAt = "probed_at"
    }

    public init(
        kind: Kind, release: String? = nil, python: String? = nil, probedAt: String? = nil, command: String? = nil,
        note: String? = nil
    ) {
        self.kind = kind
        self.release = release
        self.python = python
        self.probedAt = probedAt
        self.command = command
        self.note = note
    }

    /// One line for a report or a listing.
    public var description: String {
        switch kind {
        case .probed:
            let day = probedAt.map { String($0.prefix(10)) } ?? "?"
            return "probed from Meltano \(release ?? "?") on Python \(python ?? "?"), \(day)"
        case .hypothetical:
            return "hypothetical" + (note.map { ": \($0)" } ?? "")
        }
    }
}

/// A Meltano release's behaviour: which discovery calls an invocation makes, how they are cached,
/// what its unknown-scheme error says and how it writes the catalog.
///
/// Profiles are data (docs/profiles.md): `simulate profile` measures them by running a release's
/// own code and writes them as files (`ReleaseProfileFile`); no code is keyed on a release's name.
public struct ReleaseProfile: Sendable, Codable, Equatable {
    public let name: String
    public let summary: String
    public let provenance: ProfileProvenance
    public let strategy: DiscoveryStrategy
    /// `systemdb` is resolved before any entry-point lookup.
    public let systemdbShortCircuit: Bool
    /// Resolving project settings scans the `meltano.settings` group.
    public let scansSettingsGroup: Bool
    /// The tap's lookup raises the unknown-scheme error twice, rebuilding the manager in between.
    public let tapErrorRaisedTwice: Bool
    public let errorMessage: ErrorMessageTemplate
    public let catalogWrite: CatalogWriteMode
    /// Importing Meltano lists every path entry before its first scan (a dependency asks
    /// `importlib_metadata` for a version at import), so that scan finds the listings made
    /// (docs/model.md, "The discovery scan's cost").
    public let listsPathEntriesAtImport: Bool

    enum CodingKeys: String, CodingKey {
        case name, summary, provenance, strategy
        case systemdbShortCircuit = "systemdb_short_circuit"
        case scansSettingsGroup = "scans_settings_group"
        case tapErrorRaisedTwice = "tap_error_raised_twice"
        case errorMessage = "error_message"
        case catalogWrite = "catalog_write"
        case listsPathEntriesAtImport = "lists_path_entries_at_import"
    }

    public init(
        name: String, summary: String, provenance: ProfileProvenance, strategy: DiscoveryStrategy,
        systemdbShortCircuit: Bool, scansSettingsGroup: Bool, tapErrorRaisedTwice: Bool,
        errorMessage: ErrorMessageTemplate, catalogWrite: CatalogWriteMode, listsPathEntriesAtImport: Bool
    ) {
        self.name = name
        self.summary = summary
        self.provenance = provenance
        self.strategy = strategy
        self.systemdbShortCircuit = systemdbShortCircuit
        self.scansSettingsGroup = scansSettingsGroup
        self.tapErrorRaisedTwice = tapErrorRaisedTwice
        self.errorMessage = errorMessage
        self.catalogWrite = catalogWrite
        self.listsPathEntriesAtImport = listsPathEntriesAtImport
    }
}

extension ReleaseProfile {
    /// Every behaviour field in one stable line: two profiles with the same fingerprint make the
    /// same calls, whatever they are named (`compare` refuses runs whose fingerprints differ).
    public var behaviourFingerprint: String {
        [
            "strategy=\(strategy.rawValue)", "systemdb-short-circuit=\(systemdbShortCircuit)",
            "settings-scan=\(scansSettingsGroup)", "error-twice=\(tapErrorRaisedTwice)",
            "message=\(errorMessage.template)", "calls-backends=\(errorMessage.callsBackends)",
            "catalog=\(catalogWrite.rawValue)", "lists-at-import=\(listsPathEntriesAtImport)",
        ].joined(separator: "; ")
    }
}

/// The profiles a run may name, in the order listings show them.
public struct ReleaseProfileCatalogue: Sendable {
    public let profiles: [ReleaseProfile]

    public init(_ profiles: [ReleaseProfile]) { self.profiles = profiles }

    public func named(_ name: String) -> ReleaseProfile? { profiles.first { $0.name == name } }

    public var names: [String] { profiles.map(\.name) }
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

    public init(name: String, release: ReleaseProfile, strategy: DiscoveryStrategy) {
        self.name = name
        self.release = release
        self.strategy = strategy
    }

    /// Resolves a variant name against `catalogue`, or explains which names exist.
    public static func resolve(_ name: String, in catalogue: ReleaseProfileCatalogue) -> Result<Variant, KeyProblem> {
        if let profile = catalogue.named(name) {
            return .success(Variant(name: name, release: profile, strategy: profile.strategy))
        }
        if let strategy = DiscoveryStrategy(rawValue: name), let profile = catalogue.named(defaultProfileForStrategy) {
            return .success(Variant(name: name, release: profile, strategy: strategy))
        }
        let parts = name.split(separator: "+", maxSplits: 1).map(String.init)
        if parts.count == 2, let profile = catalogue.named(parts[0]),
            let strategy = DiscoveryStrategy(rawValue: parts[1])
        {
            return .success(Variant(name: name, release: profile, strategy: strategy))
        }
        return .failure(
            KeyProblem(
                "unknown variant '\(name)' (profiles: \(catalogue.names.joined(separator: ", ")); "
                    + "strategies: \(DiscoveryStrategy.allCases.map(\.rawValue).joined(separator: ", ")); or PROFILE+STRATEGY)"
            ))
    }
}

/// Why one value does not fit its key; `ScenarioError` adds the location.
public struct KeyProblem: Error, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}
