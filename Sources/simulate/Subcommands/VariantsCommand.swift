import ArgumentParser
import Discovery
import Model
import Scenario

/// `simulate variants`: the profiles and strategies a scenario may compare, with where each profile came from.
struct VariantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants", abstract: "List the release profiles (with their provenance) and discovery strategies."
    )

    func run() throws {
        let catalogue = try ReleaseProfileFiles.standard.get()
        print("Profiles (a Meltano release's calls, caching, error message and catalog write; scenarios/profiles/):")
        for p in catalogue.profiles {
            print(
                "  \(p.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(p.strategy.rawValue), catalog \(p.catalogWrite.rawValue): \(p.summary)"
            )
            print("  \(String(repeating: " ", count: 15)) \(p.provenance.description)")
        }
        print(
            "\nStrategies (alone: \(Variant.defaultProfileForStrategy)'s calls with that caching; or PROFILE+STRATEGY):"
        )
        for s in DiscoveryStrategy.allCases { print("  \(s.rawValue)") }
        print("\nA profile file may also be named by path (a .json file `simulate profile` wrote), alone or +STRATEGY.")
    }
}
