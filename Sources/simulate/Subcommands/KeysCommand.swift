import ArgumentParser
import Model
import Scenario

/// `simulate keys`: the scenario format, from the same table the loader validates against, with
/// each count's upper bound and the reason for it.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List every scenario key, its type, default and meaning.")

    func run() throws {
        for key in ScenarioKeys.all {
            let kind: String
            switch key.kind {
            case .int(let r): kind = "integer \(r.lowerBound)...\(r.upperBound == Int.max ? "" : String(r.upperBound))"
            case .double(let r): kind = "number \(r.lowerBound)...\(r.upperBound)"
            case .string: kind = "string"
            case .choice(let c): kind = c.joined(separator: "|")
            case .list: kind = "list"
            }
            print(
                "\(key.name) (\(kind), default \(key.defaultValue.description.isEmpty ? "none" : key.defaultValue.description))"
            )
            print("    \(key.help)")
            if let bound = key.bound, case .int(let r) = key.kind { print("    at most \(r.upperBound): \(bound)") }
        }
    }
}
