import Foundation
import Model
import Scenario
import Testing

@Suite struct VariantTests {
    static let catalogue = try! ReleaseProfileFiles.standard.get()

    @Test func shippedProfilesIncludeTheKnownOnes() {
        let names = Set(Self.catalogue.names)
        #expect(names.isSuperset(of: ["meltano-3.6.0", "meltano-3.7.9", "seed-3.7.9", "fix-branch", "meltano-4.1"]))
    }

    @Test(arguments: try! ReleaseProfileFiles.standard.get().names)
    func everyProfileResolves(_ name: String) throws {
        let variant = try ReleaseProfileFiles.variant(name)
        let profile = try #require(Self.catalogue.named(name))
        #expect(variant.name == name)
        #expect(variant.release == profile)
        #expect(variant.strategy == profile.strategy)
    }

    @Test(arguments: [
        "persistent", "uncached", "static", "per-instance", "per-process", "persistent-strict", "stevedore",
    ])
    func bareStrategyUsesMeltano379(_ name: String) throws {
        let variant = try ReleaseProfileFiles.variant(name)
        #expect(variant.name == name)
        #expect(variant.release.name == "meltano-3.7.9")
        #expect(variant.strategy.rawValue == name)
    }

    @Test func everyStrategyIsCovered() {
        #expect(
            Set(DiscoveryStrategy.allCases.map(\.rawValue))
                == [
                    "persistent", "uncached", "static", "per-instance", "per-process", "persistent-strict", "stevedore",
                ])
    }

    @Test func profilePlusStrategyResolves() throws {
        let variant = try ReleaseProfileFiles.variant("meltano-4.1+persistent")
        #expect(variant.name == "meltano-4.1+persistent")
        #expect(variant.release.name == "meltano-4.1")
        #expect(variant.strategy == .persistent)
        // The profile's other behaviour is kept.
        #expect(variant.release.errorMessage.template.contains("available backends are"))
        #expect(variant.release.catalogWrite == .sync)
    }

    @Test(arguments: [
        "nonsense", "meltano-4.1+nonsense", "persistent+meltano-4.1", "meltano-9+persistent", "", "Meltano-3.6.0",
    ])
    func unknownNamesFailListingTheProfiles(_ name: String) throws {
        guard case .failure(let problem) = Variant.resolve(name, in: Self.catalogue) else {
            Issue.record("'\(name)' resolved")
            return
        }
        #expect(problem.text.hasPrefix("unknown variant '\(name)' (profiles: "))
        #expect(problem.text.contains("profiles: \(Self.catalogue.names.joined(separator: ", "));"))
        #expect(
            problem.text.contains(
                "strategies: static, uncached, per-instance, per-process, persistent, persistent-strict, stevedore"))
        #expect(problem.text.contains("PROFILE+STRATEGY"))
    }

    static let backends = ["systemdb", "azure", "file", "gs", "s3"]

    /// A template renders the scheme and the list `backends()` gave.
    @Test func errorTemplatesRenderSchemeAndBackends() {
        let listing = ErrorMessageTemplate(
            template: "No state backend found for scheme '{scheme}'. Available backends: {backends}",
            callsBackends: true)
        #expect(
            listing.message(scheme: "x", available: Self.backends)
                == "No state backend found for scheme 'x'. Available backends: systemdb, azure, file, gs, s3")
        let plain = ErrorMessageTemplate(template: "'{scheme}' is not a valid StateBackend", callsBackends: false)
        #expect(plain.message(scheme: "x", available: []) == "'x' is not a valid StateBackend")
    }

    @Test func probedProfilesCarryTheirReleaseBehaviour() throws {
        let p360 = try #require(Self.catalogue.named("meltano-3.6.0"))
        #expect(p360.strategy == .staticEnum && !p360.errorMessage.callsBackends && p360.catalogWrite == .sync)
        #expect(!p360.scansSettingsGroup)
        let p379 = try #require(Self.catalogue.named("meltano-3.7.9"))
        #expect(p379.strategy == .perProcess && p379.errorMessage.callsBackends && p379.catalogWrite == .threadHop)
        #expect(p379.scansSettingsGroup && p379.systemdbShortCircuit && p379.tapErrorRaisedTwice)
        let seed = try #require(Self.catalogue.named("seed-3.7.9"))
        #expect(seed.strategy == .perInstance && !seed.systemdbShortCircuit)
        #expect(seed.provenance.kind == .hypothetical)
        let p41 = try #require(Self.catalogue.named("meltano-4.1"))
        #expect(p41.catalogWrite == .sync)
        #expect(Self.catalogue.named("meltano-5") == nil)
    }
}
