import Foundation
import FuzzDriver
import Scenario

/// Any bytes as a scenario file must give a `Scenario` or a one-line `ScenarioError`, never a crash.
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
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}

exit(runFuzzer(fuzzOne))
