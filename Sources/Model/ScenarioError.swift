import Foundation

/// A scenario that cannot be used, said in one line that names the file, the line and the key.
///
/// Command-line overrides name the flag instead of a file line (`command line: --error-rate`).
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    /// Where the bad value came from: `scenarios/x.yaml:12` or `command line`.
    public let location: String
    /// The offending key, dotted for nested keys (`assumed.extract_seconds`), or nil for the file itself.
    public let key: String?
    /// What is wrong, without the location.
    public let problem: String

    public init(location: String, key: String?, problem: String) {
        self.location = location
        self.key = key
        self.problem = problem
    }

    public var description: String {
        let flat = problem.replacingOccurrences(of: "\n", with: " ")
        if let key { return "\(location): key '\(key)': \(flat)" }
        return "\(location): \(flat)"
    }
}
