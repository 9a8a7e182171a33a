import Foundation

/// One typed scenario value, after parsing and before it lands in a `Scenario` field. Values
/// compare and hash as what they are (`0.1` and `0.10` are one double), never as they print.
public enum ScenarioValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case list([String])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return ScenarioValue.format(v)
        case .string(let v): return v
        case .list(let v): return v.joined(separator: ",")
        }
    }

    /// Shortest decimal form: 0.2 rather than 0.20000000000000001.
    public static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return String(v)
    }

    public var intValue: Int? {
        if case .int(let v) = self { return v }
        return nil
    }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }
    public var listValue: [String]? {
        if case .list(let v) = self { return v }
        return nil
    }
}

extension ScenarioValue: Codable {
    /// A JSON number, string or array of strings, as the value is.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) {
            self = .int(v)
        } else if let v = try? c.decode(Double.self) {
            self = .double(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else {
            self = .list(try c.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        }
    }
}
