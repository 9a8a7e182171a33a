import ArgumentParser
import Model

/// A whole number given to a flag of `bench`, `bench-http`, `bench-cache` or `calibrate`, read by
/// the one number grammar (`NumberGrammar.integer(_:in:)`) with its bound, as every other number
/// the tool reads. swift-argument-parser keeps only the text, so that `--events 0x10`, `-5` or
/// `1e99` is the tool's one line of bad input (exit 2), not a usage error (exit 64) nor a number
/// read by another grammar. Declare the option with `parsing: .unconditional`, so that a negative
/// value reaches the check instead of being taken for a flag.
struct CountFlag: ExpressibleByArgument, Sendable {
    /// The text as given.
    let text: String

    init(argument: String) { text = argument }

    /// A default value.
    init(_ value: Int) { text = String(value) }

    var defaultValueDescription: String { text }

    /// The number, or bad input naming `flag`, the bound and the text.
    func value(_ flag: String, in bounds: ClosedRange<Int>) throws -> Int {
        guard let value = NumberGrammar.integer(text.trimmingCharacters(in: .whitespaces), in: bounds) else {
            throw SimulateExit.badInput(
                "command line (\(flag)): expected a whole number from \(bounds.lowerBound.formatted()) to "
                    + "\(bounds.upperBound.formatted()), got '\(text)'")
        }
        return value
    }

    /// The number within the range of the scenario key that means the same (`seed`, `packages`).
    func value(_ flag: String, as key: ScenarioKeyPath<Int>) throws -> Int {
        guard case .int(let bounds) = ScenarioKeys.table[keyPath: key].erased.kind else {
            preconditionFailure("\(flag): an integer key has an integer range")
        }
        return try value(flag, in: bounds)
    }
}
