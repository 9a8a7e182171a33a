import Foundation
import FuzzDriver
import Scenario

/// Any bytes as a scenario file must give a `Scenario` or a one-line `ScenarioError`, never a crash,
/// and within the node budget (`YAMLNodeBudget`): scripts/fuzz.sh runs it with a dictionary of
/// anchors, aliases, complex and merge keys and `-timeout=1`, so an input that costs more than a
/// second (an alias bomb the budget misses) fails like a crash.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let text = String(data: bytes, encoding: .utf8), !text.contains("\0") else { return 0 }
    do {
        _ = try ScenarioLoader.load(yaml: text, displayName: "fuzz.yaml")
    } catch let error as ScenarioError {
        // The contract the command line relies on: one line.
        if error.description.contains("\n") { fatalError("multi-line error: \(error.description)") }
        // The budget's error always names the line where the count passed the limit.
        if error.problem.contains("YAML nodes"), !error.location.hasPrefix("fuzz.yaml:") {
            fatalError("node budget error without a line: \(error.description)")
        }
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}

exit(runFuzzer(fuzzOne))
