import Foundation
import Scenario
import Testing

@Suite struct VariantTests {
    @Test func profileNamesAreTheKnownOnes() {
        #expect(
            ReleaseProfile.all.map(\.name) == [
                "meltano-3.6.0", "meltano-3.7.9", "seed-3.7.9", "fix-branch", "meltano-4.1",
            ])
    }

    @Test(arguments: ReleaseProfile.all.map(\.name))
    func everyProfileResolves(_ name: String) throws {
        let variant = try Variant.resolve(name).get()
        let profile = try #require(ReleaseProfile.named(name))
        #expect(variant.name == name)
        #expect(variant.release == profile)
        #expect(variant.strategy == profile.strategy)
    }

    @Test(arguments: [
        "persistent", "uncached", "static", "per-instance", "per-process", "persistent-strict", "stevedore",
    ])
    func bareStrategyUsesMeltano379(_ name: String) throws {
        let variant = try Variant.resolve(name).get()
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
        let variant = try Variant.resolve("meltano-4.1+persistent").get()
        #expect(variant.name == "meltano-4.1+persistent")
        #expect(variant.release.name == "meltano-4.1")
        #expect(variant.strategy == .persistent)
        // The profile's other behaviour is kept.
        #expect(variant.release.errorMessage == .addon4)
        #expect(variant.release.catalogWrite == .sync)
    }

    @Test(arguments: [
        "nonsense", "meltano-4.1+nonsense", "persistent+meltano-4.1", "meltano-9+persistent", "", "Meltano-3.6.0",
    ])
    func unknownNamesFailListingTheProfiles(_ name: String) throws {
        guard case .failure(let problem) = Variant.resolve(name) else {
            Issue.record("'\(name)' resolved")
            return
        }
        #expect(problem.text.hasPrefix("unknown variant '\(name)' (profiles: "))
        #expect(problem.text.contains("profiles: meltano-3.6.0, meltano-3.7.9, seed-3.7.9, fix-branch, meltano-4.1;"))
        #expect(
            problem.text.contains(
                "strategies: static, uncached, per-instance, per-process, persistent, persistent-strict, stevedore"))
        #expect(problem.text.contains("PROFILE+STRATEGY"))
    }

    static let backends = ["systemdb", "azure", "file", "gs", "s3"]

    /// The three wordings of docs/model.md, exactly.
    @Test func errorMessagesMatchTheDesign() {
        #expect(
            ErrorMessageStyle.enum360.message(scheme: "x", available: Self.backends)
                == "'x' is not a valid StateBackend")
        #expect(
            ErrorMessageStyle.addon37.message(scheme: "x", available: Self.backends)
                == "No state backend found for scheme 'x'. Available backends: systemdb, azure, file, gs, s3")
        #expect(
            ErrorMessageStyle.addon4.message(scheme: "x", available: Self.backends)
                == "No state backend found for scheme 'x', available backends are: systemdb, azure, file, gs, s3")
        #expect(!ErrorMessageStyle.enum360.callsBackends)
        #expect(ErrorMessageStyle.addon37.callsBackends)
        #expect(ErrorMessageStyle.addon4.callsBackends)
    }

    @Test func profilesCarryTheirReleaseBehaviour() throws {
        let p360 = try #require(ReleaseProfile.named("meltano-3.6.0"))
        #expect(p360.strategy == .staticEnum && p360.errorMessage == .enum360 && p360.catalogWrite == .sync)
        #expect(!p360.scansSettingsGroup)
        let p379 = try #require(ReleaseProfile.named("meltano-3.7.9"))
        #expect(p379.strategy == .perProcess && p379.errorMessage == .addon37 && p379.catalogWrite == .threadHop)
        #expect(p379.scansSettingsGroup && p379.systemdbShortCircuit && p379.tapErrorRaisedTwice)
        let seed = try #require(ReleaseProfile.named("seed-3.7.9"))
        #expect(seed.strategy == .perInstance && !seed.systemdbShortCircuit)
        let p41 = try #require(ReleaseProfile.named("meltano-4.1"))
        #expect(p41.errorMessage == .addon4 && p41.catalogWrite == .sync)
        #expect(ReleaseProfile.named("meltano-5") == nil)
    }
}
