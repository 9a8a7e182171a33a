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

/// Walks a decoded summary by reflection, so that a field added later is checked without being named.
enum SummaryNumberWalk {
    /// Fields whose value is a spread, by their Swift name.
    static let spreadFields: Set<String> = ["variance", "stdDev", "mad"]
    /// Subtrees not walked, by their path: values typed and bounded by their scenario keys.
    static let skipped: Set<String> = ["scenario.knobs"]

    static func check(_ value: Any, at path: String, spread: Bool = false) throws(SummaryNumberError) {
        switch value {
        case let number as Double:
            try checkReal(number, at: path, spread: spread)
        case let list as [Double]:
            // The listed invocations: thousands of values, checked without reflecting each.
            for (k, number) in list.enumerated() { try checkReal(number, at: "\(path)[\(k)]", spread: false) }
        case let count as any BinaryInteger:
            if isNegative(count) {
                throw SummaryNumberError(field: path, problem: "\(count) is negative, expected a count of at least 0")
            }
        default:
            try checkChildren(of: value, at: path, spread: spread)
        }
    }

    private static func isNegative<Integer: BinaryInteger>(_ count: Integer) -> Bool { count < 0 }

    private static func checkReal(_ number: Double, at path: String, spread: Bool) throws(SummaryNumberError) {
        if !number.isFinite {
            throw SummaryNumberError(field: path, problem: "\(number) is not a finite number")
        }
        if spread && number < 0 {
            throw SummaryNumberError(field: path, problem: "\(number) is negative, expected a spread of at least 0")
        }
    }

    private static func checkChildren(of value: Any, at path: String, spread: Bool) throws(SummaryNumberError) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { try check(wrapped.value, at: path, spread: spread) }
        case .collection, .set:
            for (k, child) in mirror.children.enumerated() { try check(child.value, at: "\(path)[\(k)]") }
        case .dictionary:
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { continue }
                try check(pair[1].value, at: "\(path)[\(pair[0].value)]")
            }
        case .struct, .class, .enum, .tuple:
            for child in mirror.children {
                let name = child.label ?? ""
                let field = path.isEmpty ? jsonName(name) : "\(path).\(jsonName(name))"
                if skipped.contains(field) { continue }
                try check(child.value, at: field, spread: spreadFields.contains(name))
            }
        default:
            return
        }
    }

    /// `simulatedSecondsMoments` → `simulated_seconds_moments`, as `summary.json` spells it.
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
