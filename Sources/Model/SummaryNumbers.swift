import Foundation

/// A number in a `summary.json` that no run writes: where it is (the field as the JSON spells it,
/// `variants[1].simulated_seconds_moments.variance`) and what is wrong with it.
public struct SummaryNumberError: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public var description: String { "field '\(field)': \(problem)" }
}

extension RunSummary {
    /// The one check of every number a summary holds, made when it is read (`compare`): every
    /// integer is a count (of invocations, scans, rows, bytes, CPUs, …), so none is negative; every
    /// real number is finite; every spread (a variance, standard deviation or median absolute
    /// deviation) is at least 0; stored moments count at least the invocations listed. The knobs'
    /// values are typed by their keys instead (`ScenarioInfo.Knob`), so they are not walked here.
    public func checkNumbers() throws(SummaryNumberError) {
        try SummaryNumberWalk.check(self, at: "")
        for (k, variant) in variants.enumerated() {
            if let moments = variant.simulatedSecondsMoments, moments.count < variant.simulatedSeconds.count {
                throw SummaryNumberError(
                    field: "variants[\(k)].simulated_seconds_moments.count",
                    problem: "\(moments.count) is fewer than the \(variant.simulatedSeconds.count) invocations listed")
            }
        }
    }
}

/// Walks a decoded summary by reflection, so that a field added later is checked without being
/// named. The path is kept as components and spelled only for the error: a summary lists up to
/// 20,000 invocations per variant, each with a dozen fields.
struct SummaryNumberWalk {
    /// Fields whose value is a spread, by their Swift name.
    static let spreadFields: Set<String> = ["variance", "stdDev", "mad"]
    /// Subtrees not walked, by their path: values typed and bounded by their scenario keys.
    static let skipped: [[String]] = [["scenario", "knobs"]]

    enum Component {
        case field(String)
        case index(Int)
        case key(String)
    }

    private var path: [Component] = []

    /// Checks `value` and everything in it; `root` names it in the error (empty for a whole summary).
    static func check(_ value: Any, at root: String) throws(SummaryNumberError) {
        var walk = SummaryNumberWalk()
        if !root.isEmpty { walk.path = [.field(root)] }
        try walk.check(value, spread: false)
    }

    private mutating func check(_ value: Any, spread: Bool) throws(SummaryNumberError) {
        switch value {
        case let count as Int:
            if count < 0 { throw problem("\(count) is negative, expected a count of at least 0") }
        case let number as Double:
            try checkReal(number, spread: spread)
        case is String, is Bool:
            return
        case let list as [Double]:
            // The listed invocations' seconds: thousands of values, checked without reflecting each.
            for (k, number) in list.enumerated() where !number.isFinite {
                path.append(.index(k))
                try checkReal(number, spread: false)
            }
        case let list as [InvocationCounts]:
            // Up to 20,000 per variant: their counts are read by key path, not reflected one by one.
            let fields = InvocationCounts.countFields
            for (k, counts) in list.enumerated() {
                for (name, field) in fields where counts[keyPath: field] < 0 {
                    path += [.index(k), .field(name)]
                    throw problem("\(counts[keyPath: field]) is negative, expected a count of at least 0")
                }
            }
        case let count as any BinaryInteger:
            if Self.isNegative(count) { throw problem("\(count) is negative, expected a count of at least 0") }
        default:
            try checkChildren(of: value, spread: spread)
        }
    }

    private static func isNegative<Integer: BinaryInteger>(_ count: Integer) -> Bool { count < 0 }

    private func checkReal(_ number: Double, spread: Bool) throws(SummaryNumberError) {
        if !number.isFinite { throw problem("\(number) is not a finite number") }
        if spread && number < 0 { throw problem("\(number) is negative, expected a spread of at least 0") }
    }

    private mutating func checkChildren(of value: Any, spread: Bool) throws(SummaryNumberError) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { try check(wrapped.value, spread: spread) }
        case .collection, .set:
            for (k, child) in mirror.children.enumerated() {
                path.append(.index(k))
                try check(child.value, spread: false)
                path.removeLast()
            }
        case .dictionary:
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { continue }
                path.append(.key("\(pair[0].value)"))
                try check(pair[1].value, spread: false)
                path.removeLast()
            }
        case .struct, .class, .enum, .tuple:
            for child in mirror.children {
                let name = child.label ?? ""
                if isSkipped(name) { continue }
                path.append(.field(name))
                try check(child.value, spread: Self.spreadFields.contains(name))
                path.removeLast()
            }
        default:
            return
        }
    }

    private func isSkipped(_ name: String) -> Bool {
        Self.skipped.contains { skipped in
            guard skipped.count == path.count + 1, skipped.last == name else { return false }
            return zip(skipped, path).allSatisfy { wanted, component in
                if case .field(let field) = component { return field == wanted }
                return false
            }
        }
    }

    private func problem(_ text: String) -> SummaryNumberError {
        SummaryNumberError(field: Self.spell(path), problem: text)
    }

    /// `variants[1].simulated_seconds_moments.variance`, as `summary.json` spells it.
    static func spell(_ path: [Component]) -> String {
        var out = ""
        for component in path {
            switch component {
            case .field(let name): out += (out.isEmpty ? "" : ".") + jsonName(name)
            case .index(let k): out += "[\(k)]"
            case .key(let key): out += "[\(key)]"
            }
        }
        return out
    }

    /// `simulatedSecondsMoments` → `simulated_seconds_moments`.
    static func jsonName(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}

extension InvocationCounts {
    /// Every count of an invocation, for the summary check without reflection
    /// (`SummaryNumbersTests` checks that it names every integer field).
    static var countFields: [(name: String, value: KeyPath<InvocationCounts, Int>)] {
        [
            ("index", \.index), ("ordinal", \.ordinal), ("scans", \.scans), ("lookups", \.lookups),
            ("backendsCalls", \.backendsCalls), ("addonObjects", \.addonObjects), ("groupsTouched", \.groupsTouched),
            ("errorPaths", \.errorPaths), ("persistentHits", \.persistentHits),
        ]
    }
}
