import Discovery
import Environment
import Foundation
import Model
import TestSupport

/// A synthetic environment plus a cache folder, and sessions over them that scan for real.
struct Fixture: Sendable {
    let root = TemporaryDirectory()
    let environment: PreparedEnvironment
    var site: String { environment.pathEntries[0] }
    var cacheDirectory: URL { root.url.appendingPathComponent("discovery-cache") }
    /// Scans performed by every session of this fixture, whichever thread ran them.
    let scans = Locked(0)

    init(packages: Int = 40) throws {
        environment = try SyntheticEnvironment.prepare(packages: packages, seed: 11, cacheRoot: root.url)
    }

    func session(_ strategy: DiscoveryStrategy) -> DiscoverySession {
        let scanner = EntryPointScanner(pathEntries: environment.pathEntries)
        let scans = self.scans
        return DiscoverySession(
            strategy: strategy, pathEntries: environment.pathEntries,
            persistentCacheDirectory: cacheDirectory
        ) {
            scans.withValue { $0 += 1 }
            return scanner.scan()
        }
    }

    /// One session of `strategy` looking state backend `name` up once: its scans, the value found
    /// and its counters.
    func probe(_ strategy: DiscoveryStrategy = .persistent, name: String = "dbm") -> (
        scans: Int, value: String?, counters: DiscoveryCounters
    ) {
        let session = session(strategy)
        let value = session.lookup(
            group: MeltanoEntryPoints.stateBackendsGroup, name: name, via: session.newAddonObject())?.value
        return (session.counters.scans, value, session.counters)
    }

    /// Adds a distribution declaring one state backend.
    @discardableResult
    func install(_ folder: String, backend: String, value: String = "addon.backend:Manager") throws -> String {
        let path = site + "/" + folder
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try Data("[meltano.state_backends]\n\(backend) = \(value)\n".utf8)
            .write(to: URL(fileURLWithPath: path + "/entry_points.txt"))
        return path
    }

    func uninstall(_ folder: String) throws {
        try FileManager.default.removeItem(atPath: site + "/" + folder)
    }
}

/// What the scripted invocation saw.
struct ScriptOutcome: Equatable {
    var settingFound: Bool
    var lookups: [String?]
    var backends: [[String]]
}

/// The scripted invocation of the tests: a settings add-on doing 1 lookup in `meltano.settings`,
/// then two state-backend managers, each looking the misconfigured scheme `gcs` up and listing
/// `backends()` twice. L = 3, E = 4, I = 3, G = 2. An extra object is made and never used.
func runScript(_ session: DiscoverySession, scheme: String = "gcs") -> ScriptOutcome {
    var outcome = ScriptOutcome(settingFound: false, lookups: [], backends: [])
    let settings = session.newAddonObject()
    outcome.settingFound =
        session.lookup(
            group: MeltanoEntryPoints.settingsGroup,
            name: MeltanoEntryPoints.settings[0].name, via: settings) != nil
    _ = session.newAddonObject()  // made, never used: not part of I
    for _ in 0..<2 {
        let manager = session.newAddonObject()
        outcome.lookups.append(
            session.lookup(group: MeltanoEntryPoints.stateBackendsGroup, name: scheme, via: manager)?.value)
        for _ in 0..<2 {
            outcome.backends.append(session.backends(group: MeltanoEntryPoints.stateBackendsGroup, via: manager))
        }
    }
    return outcome
}
