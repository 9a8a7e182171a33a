import Foundation

/// The one grammar of every numeric scenario key, the same in scenario files, named flags and
/// `--set` (docs/usage.md, "Numbers"): plain decimal, digits grouped by single underscores between
/// digits (`1_000`), no leading zeros, no hexadecimal, octal or binary forms, no `inf` or `nan`,
/// no negative zero; a number may have a fraction and a decimal exponent (`2.5`, `1e-3`).
public enum NumberGrammar {
    private static let digits = "(0|[1-9](_?[0-9])*)"
    private static let integerPattern = try! NSRegularExpression(pattern: "^-?\(digits)$")
    private static let numberPattern = try! NSRegularExpression(
        pattern: "^-?\(digits)(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9]+)?$")

    /// The integer `text` spells, or nil when it is not in the grammar or does not fit an `Int`.
    public static func integer(_ text: String) -> Int? {
        guard matches(integerPattern, text), let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            return nil
        }
        return value == 0 && text.hasPrefix("-") ? nil : value
    }

    /// The finite number `text` spells, or nil when it is not in the grammar.
    public static func number(_ text: String) -> Double? {
        guard matches(numberPattern, text), let value = Double(text.replacingOccurrences(of: "_", with: "")),
            value.isFinite
        else { return nil }
        return value == 0 && text.hasPrefix("-") ? nil : value
    }

    /// The integer `text` spells when it is in the grammar and within `bounds`, else nil.
    public static func integer(_ text: String, in bounds: ClosedRange<Int>) -> Int? {
        integer(text).flatMap { bounds.contains($0) ? $0 : nil }
    }

    /// The finite number `text` spells when it is in the grammar and within `bounds`, else nil.
    public static func number(_ text: String, in bounds: ClosedRange<Double>) -> Double? {
        number(text).flatMap { bounds.contains($0) ? $0 : nil }
    }

    private static func matches(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
