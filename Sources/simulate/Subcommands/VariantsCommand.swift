import ArgumentParser
import Discovery
import Scenario

/// `simulate variants`: the profiles and strategies a scenario may compare.
struct VariantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants", abstract: "List the version profiles and discovery strategies.")

    func run() throws {
        print("Profiles (a Meltano release's calls, caching, error message and catalog write):")
        for p in ReleaseProfile.all {
            print(
                "  \(p.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(p.strategy.rawValue), catalog \(p.catalogWrite.rawValue): \(p.summary)"
            )
        }
        print(
            "\nStrategies (alone: \(Variant.defaultProfileForStrategy)'s calls with that caching; or PROFILE+STRATEGY):"
        )
        for s in DiscoveryStrategy.allCases { print("  \(s.rawValue)") }
    }
}
