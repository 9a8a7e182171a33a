import Environment
import Foundation
import Testing

@testable import Model
@testable import Profiling

/// The derivation's rules on counts made by hand; `ProbeResultTests` checks them on real probes.
@Suite struct ProfileDerivationTests {
    static func run(
        settings: Int = 1, backends: Int = 0, listings: Int = 3, message: String? = nil, raises: Int? = nil,
        backendsCalls: Int? = nil, exit: Int = 0
    ) -> ProbeReport.Run {
        ProbeReport.Run(
            exitCode: exit,
            entryPointCalls: [
                MeltanoEntryPoints.settingsGroup: settings, MeltanoEntryPoints.stateBackendsGroup: backends,
            ],
            pathListingsBeforeFirstScan: listings, catalogLines: nil, catalogThreadHandoffs: nil,
            stateBackendInitializations: 2, errorMessage: message, errorRaises: raises, backendsCalls: backendsCalls,
            seconds: 1)
    }

    static func report(
        fileScans: Int = 1, systemdbScans: Int = 0, handoffsPerLine: Double = 0, settings: Int = 1,
        message: String =
            "No state backend found for scheme 'bogus'. Available backends: systemdb, azure, file, gs, s3",
        raises: Int = 2, backendsCalls: Int = 2, schema: Int = ProbeReport.supportedSchema, fileExit: Int = 0
    ) -> ProbeReport {
        ProbeReport(
            probeSchema: schema, meltanoVersion: "9.9.9", pythonVersion: "3.11.7", probedAt: "2026-12-06T22:00:00Z",
            cli: .init(runForceFlag: "--force", runRefreshCatalogFlag: true),
            runs: .init(
                systemdb: run(settings: settings, backends: systemdbScans),
                systemdbLarge: run(settings: settings, backends: systemdbScans),
                file: run(settings: settings, backends: fileScans, exit: fileExit),
                unknownScheme: run(
                    settings: settings, backends: 1, message: message, raises: raises, backendsCalls: backendsCalls,
                    exit: 1)),
            catalog: .init(
                linesSmall: 300, linesLarge: 3000, handoffsSmall: Int(300 * handoffsPerLine),
                handoffsLarge: Int(3000 * handoffsPerLine), handoffsPerLine: handoffsPerLine),
            pluginEnv: nil, pathEntries: 5)
    }

    static func derive(_ r: ProbeReport) throws -> ReleaseProfile {
        try ProfileDerivation.derive(r, name: "x", command: "test")
    }

    @Test func scansOfTheFileRunGiveTheStrategy() throws {
        #expect(try Self.derive(Self.report(fileScans: 0)).strategy == .staticEnum)
        #expect(try Self.derive(Self.report(fileScans: 1)).strategy == .perProcess)
        #expect(try Self.derive(Self.report(fileScans: 2)).strategy == .perInstance)
        #expect(try Self.derive(Self.report(fileScans: 5)).strategy == .uncached)
    }

    @Test func aScanOnTheSystemdbPathMeansNoShortCut() throws {
        #expect(try Self.derive(Self.report(systemdbScans: 0)).systemdbShortCircuit)
        #expect(try !Self.derive(Self.report(systemdbScans: 1)).systemdbShortCircuit)
    }

    @Test func handOffsPerLineGiveTheCatalogWrite() throws {
        #expect(try Self.derive(Self.report(handoffsPerLine: 0.0)).catalogWrite == .sync)
        #expect(try Self.derive(Self.report(handoffsPerLine: 0.01)).catalogWrite == .sync)
        #expect(try Self.derive(Self.report(handoffsPerLine: 1.0)).catalogWrite == .threadHop)
        #expect(try Self.derive(Self.report(handoffsPerLine: 2.0)).catalogWrite == .threadHop)
    }

    @Test func theMessageBecomesATemplate() throws {
        let p = try Self.derive(Self.report())
        #expect(
            p.errorMessage.template == "No state backend found for scheme '{scheme}'. Available backends: {backends}")
        #expect(p.errorMessage.callsBackends)
        #expect(p.tapErrorRaisedTwice)
        let old = try Self.derive(
            Self.report(message: "'bogus' is not a valid StateBackend", raises: 1, backendsCalls: 0))
        #expect(old.errorMessage.template == "'{scheme}' is not a valid StateBackend")
        #expect(!old.errorMessage.callsBackends && !old.tapErrorRaisedTwice)
        #expect(old.errorMessage.message(scheme: "gcs", available: []) == "'gcs' is not a valid StateBackend")
    }

    @Test func settingsScansAndListingsAreFlags() throws {
        #expect(try Self.derive(Self.report(settings: 1)).scansSettingsGroup)
        #expect(try !Self.derive(Self.report(settings: 0)).scansSettingsGroup)
        #expect(try Self.derive(Self.report()).listsPathEntriesAtImport)
    }

    @Test func theProvenanceNamesTheProbe() throws {
        let p = try Self.derive(Self.report())
        #expect(p.provenance.kind == .probed && p.provenance.release == "9.9.9" && p.provenance.python == "3.11.7")
        #expect(p.provenance.description == "probed from Meltano 9.9.9 on Python 3.11.7, 2026-12-06")
    }

    @Test func aFailedRunOrAnotherSchemaIsRefused() {
        #expect(throws: ProfileDerivation.Problem.self) { try Self.derive(Self.report(schema: 2)) }
        #expect(throws: ProfileDerivation.Problem.self) { try Self.derive(Self.report(fileExit: 1)) }
        #expect(throws: ProfileDerivation.Problem.self) { try Self.derive(Self.report(message: "")) }
    }

    @Test func aProfileFileRoundTripsFlat() throws {
        let r = Self.report()
        let file = ReleaseProfileFile(profile: try Self.derive(r), probe: r)
        let data = try ProfileWriter.encoded(file)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema"] as? Int == 1 && object["name"] as? String == "x" && object["probe"] != nil)
        #expect(try JSONDecoder().decode(ReleaseProfileFile.self, from: data) == file)
    }
}
