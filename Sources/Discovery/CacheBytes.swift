/// Little-endian encoding for the persistent cache file: fixed-width integers and strings as a
/// `UInt32` length followed by UTF-8 bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a length-prefixed string; nil when it is too long for its `UInt32` length.
    mutating func append(_ string: String) -> Void? {
        guard let length = UInt32(exactly: string.utf8.count) else { return nil }
        append(length)
        bytes.append(contentsOf: string.utf8)
        return ()
    }
}

/// Reads what `ByteWriter` wrote from bytes of unknown origin: every read is bounds-checked and
/// answers nil instead of trapping, and strings must be valid UTF-8.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// Reads `bytes[start..<end]`; the range must lie within `bytes`.
    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        let end = end ?? bytes.count
        precondition(0 <= start && start <= end && end <= bytes.count)
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position == end }

    /// The next `count` bytes' range, or nil when fewer remain.
    mutating func take(_ count: Int) -> Range<Int>? {
        guard count >= 0, count <= end - position else { return nil }
        defer { position += count }
        return position..<(position + count)
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        guard let range = take(MemoryLayout<T>.size) else { return nil }
        return T(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: range.lowerBound, as: T.self) })
    }

    /// Where a length-prefixed string's bytes are, or nil when it overruns the end or is not
    /// valid UTF-8 (checked without making a string when it is ASCII).
    mutating func utf8() -> Range<Int>? {
        guard let length = integer(UInt32.self), let range = take(Int(length)) else { return nil }
        let valid = bytes.withUnsafeBufferPointer { buffer in
            let text = UnsafeBufferPointer(rebasing: buffer[range])
            return text.allSatisfy { $0 < 0x80 } || String(validating: text, as: UTF8.self) != nil
        }
        return valid ? range : nil
    }

    /// A length-prefixed string, or nil when it overruns the end or is not valid UTF-8.
    mutating func string() -> String? {
        guard let length = integer(UInt32.self), let range = take(Int(length)) else { return nil }
        return bytes.withUnsafeBufferPointer {
            String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
    }
}

/// FNV-1a 64 of `bytes[range]`: the seal that makes a damaged header or group slice a miss.
/// Not a defence against forgery, only against torn writes and flipped bits.
func fnv1a64(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
    bytes.withUnsafeBufferPointer { buffer in
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in UnsafeBufferPointer(rebasing: buffer[range]) {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return value
    }
}
