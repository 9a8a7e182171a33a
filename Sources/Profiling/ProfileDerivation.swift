import Environment
import Foundation
import Model

/// Turns what the probe saw a release's own code do into that release's profile
/// (docs/profiles.md, "From counts to behaviour"). Nothing here reads the version number: two
/// releases that behave alike get the same profile whatever they are called.
public enum ProfileDerivation {
    /// A probe report that cannot be turned into a profile, in one line.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Hand-offs per catalog line at or above which the catalog is written with a thread hop per
    /// line: an async file API hops about once per line, a sync write never (the two probes of a
    /// release differ by 0 or by about the line difference, nothing between).
    public static let threadHopThreshold = 0.5

    /// The profile `report` describes, named `name`, with `command` as its provenance.
    public static func derive(_ report: ProbeReport, name: String, summary: String? = nil, command: String) throws
        -> ReleaseProfile
    {
        guard report.probeSchema == ProbeReport.supportedSchema else {
            throw Problem(
                description:
                    "probe output schema \(report.probeSchema) is not supported (expected \(ProbeReport.supportedSchema))"
            )
        }
        let runs = report.runs
        for (label, run) in [("systemdb", runs.systemdb), ("systemdb_large", runs.systemdbLarge), ("file", runs.file)]
        where run.exitCode != 0 {
            throw Problem(description: "the probe's \(label) run failed (exit \(run.exitCode)): nothing to derive from")
        }
        let strategy = try discoveryStrategy(runs)
        let catalogWrite: CatalogWriteMode =
            report.catalog.handoffsPerLine >= threadHopThreshold ? .threadHop : .sync
        let message = try errorTemplate(runs.unknownScheme)
        let profile = ReleaseProfile(
            name: name,
            summary: summary ?? describe(strategy: strategy, catalogWrite: catalogWrite),
            provenance: ProfileProvenance(
                kind: .probed, release: report.meltanoVersion, python: report.pythonVersion,
                probedAt: report.probedAt, command: command),
            strategy: strategy,
            systemdbShortCircuit: runs.systemdb.calls(MeltanoEntryPoints.stateBackendsGroup) == 0,
            scansSettingsGroup: runs.systemdb.calls(MeltanoEntryPoints.settingsGroup) > 0,
            tapErrorRaisedTwice: (runs.unknownScheme.errorRaises ?? 1) >= 2,
            errorMessage: message,
            catalogWrite: catalogWrite,
            listsPathEntriesAtImport: (runs.systemdb.pathListingsBeforeFirstScan ?? 0) > 0)
        return profile
    }

    /// How state-backend discovery is cached, from the `file://` run: it initializes a state
    /// backend twice in one process (the tap's lookup and the target's state write). No scan of the
    /// group: a fixed table. One: cached per process. One per initialization: a fresh add-on object
    /// each time. More: no caching at all.
    static func discoveryStrategy(_ runs: ProbeReport.Runs) throws -> DiscoveryStrategy {
        let scans = runs.file.calls(MeltanoEntryPoints.stateBackendsGroup)
        let initializations = runs.file.stateBackendInitializations ?? 2
        switch scans {
        case 0: return .staticEnum
        case 1: return .perProcess
        case initializations: return .perInstance
        default: return .uncached
        }
    }

    /// The unknown-scheme message as a template: the scheme the probe used and the list of
    /// backends it printed become placeholders.
    static func errorTemplate(_ run: ProbeReport.Run) throws -> ErrorMessageTemplate {
        guard let printed = run.errorMessage, !printed.isEmpty else {
            throw Problem(description: "the probe's unknown-scheme run printed no error message")
        }
        let scheme = ProbeReport.unknownScheme
        var template = printed.replacingOccurrences(of: scheme, with: ErrorMessageTemplate.schemePlaceholder)
        // The list `backends()` gave starts with systemdb, which is always there: the longest
        // comma-separated run of names from it is the list.
        if let listed = template.range(
            of: "\(MeltanoEntryPoints.systemdb)(, [A-Za-z0-9_-]+)*", options: .regularExpression)
        {
            template.replaceSubrange(listed, with: ErrorMessageTemplate.backendsPlaceholder)
        }
        return ErrorMessageTemplate(template: template, callsBackends: (run.backendsCalls ?? 0) > 0)
    }

    static func describe(strategy: DiscoveryStrategy, catalogWrite: CatalogWriteMode) -> String {
        let discovery: String
        switch strategy {
        case .staticEnum: discovery = "fixed table of backends, no entry-point scan"
        case .perProcess: discovery = "entry-point discovery scanned once per process"
        case .perInstance: discovery = "entry-point discovery scanned by every new add-on object"
        default: discovery = "entry-point discovery, \(strategy.rawValue)"
        }
        let catalog = catalogWrite == .sync ? "sync catalog writes" : "catalog written with a thread hop per line"
        return "\(discovery); \(catalog)"
    }
}

extension ProbeReport {
    /// The scheme the probe's unknown-scheme run configures (probe.py uses the same).
    public static let unknownScheme = "bogus"
}
