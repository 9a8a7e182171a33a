import Environment
import Foundation
import FuzzDriver

/// Any text as `entry_points.txt` parses, or is rejected as CPython would reject it, without crashing;
/// what it yields keeps the parser's invariants (names and values are stripped); and on ASCII input
/// the scanner's byte-level fast path agrees exactly with the reference parser.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let reference = EntryPointsText.parse(text, distribution: "fuzz-1.0.dist-info")
    if EntryPointsText.isASCII(bytes),
        EntryPointsText.parseASCII(bytes, distribution: "fuzz-1.0.dist-info") != reference
    {
        fatalError("ASCII fast path disagrees with the reference parser")
    }
    if let points = reference {
        for p in points {
            if p.name != p.name.trimmingCharacters(in: .whitespaces)
                || p.value != p.value.trimmingCharacters(in: .whitespaces)
            {
                fatalError("unstripped entry point: \(p)")
            }
        }
    }
    return 0
}

exit(runFuzzer(fuzzOne))
