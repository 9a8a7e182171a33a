import Testing

@testable import Model

/// The eight-byte tests agree with a byte-by-byte reading for every byte sought, every byte at
/// every position, among fillers of every kind (a filler that is the sought byte included).
@Suite struct ByteWordTests {
    @Test func wordTestsAgreeByteByByte() {
        var mismatches: [String] = []
        for filler in [UInt8(0x00), 0x20, 0x61, 0x7F, 0x80, 0xBF, 0xEF, 0xFF] {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = byte
                    let word = bytes.withUnsafeBufferPointer { ByteWord.load($0, at: 0) }
                    for sought in [UInt8(0x00), 0x22, 0x5C, 0x7F, 0x80, 0xC2, 0xE2, 0xFF]
                    where ByteWord.contains(word, sought) != bytes.contains(sought) {
                        mismatches.append("contains \(sought) in \(bytes)")
                    }
                    for bound in [UInt8(0x01), 0x20, 0x41, 0x80]
                    where ByteWord.containsByte(below: bound, word) != bytes.contains(where: { $0 < bound }) {
                        mismatches.append("below \(bound) in \(bytes)")
                    }
                    if ByteWord.isASCII(word) != bytes.allSatisfy({ $0 < 0x80 }) { mismatches.append("ASCII \(bytes)") }
                    if ByteWord.holdsNoASCII(word) != bytes.allSatisfy({ $0 >= 0x80 }) {
                        mismatches.append("no ASCII \(bytes)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        for length in 0...20 {
            let text = [UInt8](repeating: 0x61, count: length)
            #expect(text.withUnsafeBufferPointer { ByteWord.isASCII($0) })
            for at in 0..<length {
                var bad = text
                bad[at] = 0xC3
                #expect(!bad.withUnsafeBufferPointer { ByteWord.isASCII($0) }, "\(length) \(at)")
            }
        }
    }
}
