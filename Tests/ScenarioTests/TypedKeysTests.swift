import Foundation
import Model
import Scenario
import Testing

/// What the test reads off a typed key, whatever its value type.
private protocol KindProbe {
    var probe: (name: String, matches: Bool) { get }
}

extension ScenarioKey: KindProbe {
    /// The key's name, and whether its erased kind is its value type's (a choice key lists its enum's cases)
    /// and its default is of that type and in range.
    fileprivate var probe: (name: String, matches: Bool) {
        let typeMatches: Bool
        switch erased.kind {
        case .int: typeMatches = Value.self == Int.self
        case .double: typeMatches = Value.self == Double.self
        case .string: typeMatches = Value.self == String.self
        case .list: typeMatches = Value.self == [String].self
        case .choice(let names): typeMatches = (Value.self as? any ScenarioChoice.Type)?.names == names
        }
        let defaultFits =
            Value(scenarioValue: erased.defaultValue) != nil && (try? erased.check(erased.defaultValue).get()) != nil
        return (name, typeMatches && defaultFits)
    }
}

struct TypedKeysTests {
    /// Every typed key of the table, walked through its stored properties (and the `synthetic.*` family).
    static func typedKeys(_ group: Any = ScenarioKeys.table) -> [(name: String, matches: Bool)] {
        Mirror(reflecting: group).children.flatMap { child -> [(name: String, matches: Bool)] in
            if let key = child.value as? any KindProbe { return [key.probe] }
            if let synthetic = child.value as? ScenarioKeys.SyntheticKeys {
                return EnvironmentShape.Key.allCases.map { synthetic[$0].probe }
            }
            if child.value is any ScenarioKeyGroup { return typedKeys(child.value) }
            return []
        }
    }

    @Test func everyTypedKeyIsInTheTableOnceWithItsKind() {
        let typed = Self.typedKeys()
        #expect(typed.count == ScenarioKeys.all.count)
        for key in typed {
            #expect(ScenarioKeys.all.filter { $0.name == key.name }.count == 1, "\(key.name)")
            #expect(key.matches, "\(key.name): kind or default does not match the value type")
        }
        #expect(Set(ScenarioKeys.all.map(\.name)).count == ScenarioKeys.all.count)
    }

    @Test func aScenarioReadsEachKeyAsItsType() throws {
        let s = try ScenarioLoader.load(
            yaml:
                "name: typed\nstate_backend: http\ncatalog_write: thread-hop\nhttp:\n  pages: 40\n  api:\n    jitter: exponential\n",
            displayName: "typed.yaml",
            overrides: [ScenarioOverride(key: "catalog-lines", text: "1234", flag: "--catalog-lines")])
        let lines: Int = s[\.catalogLines]
        #expect(lines == 1234 && s.catalogLines == 1234)
        #expect(s[\.stateBackend] == .http)
        #expect(s[\.catalogWrite] == .threadHop && s.catalogWriteOverride == .threadHop)
        #expect(s[\.http.pages] == 40 && s.http.pages == 40)
        #expect(s[\.http.api.jitter] == .exponential && s[\.http.state.jitter] == .uniform)
        #expect(s[\.workers] == ScenarioKeys.table.workers.defaultValue)
        #expect(s.origin(of: \.catalogLines) == "command line (--catalog-lines)")
        #expect(s.origin(of: \.http.pages) == "typed.yaml:5")
        #expect(s.origin(of: \.workers) == "default")
    }
}
