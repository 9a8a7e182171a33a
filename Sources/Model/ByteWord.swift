/// Eight bytes of a text's UTF-8 tested at once, for scans of long texts for a few ASCII bytes
/// (log lines, job names, cells, JSON strings, `entry_points.txt`). The tests are the exact forms
/// of the "has a zero byte" and "has a byte less than n" bit tricks: exact for whether there is
/// one, which is all a scan asks before it looks byte by byte.
public enum ByteWord {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes from `bytes[i]` (the caller checks that they are there).
    @inlinable @inline(__always)
    public static func load(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt64 {
        UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
    }

    /// Whether one of the eight bytes is `byte`.
    @inlinable @inline(__always)
    public static func contains(_ word: UInt64, _ byte: UInt8) -> Bool {
        let v = word ^ (ones &* UInt64(byte))
        return (v &- ones) & ~v & highs != 0
    }

    /// Whether one of the eight bytes is below `bound` (at most 0x80).
    @inlinable @inline(__always)
    public static func containsByte(below bound: UInt8, _ word: UInt64) -> Bool {
        (word &- ones &* UInt64(bound)) & ~word & highs != 0
    }

    /// Whether every one of the eight bytes is ASCII; whether none is.
    @inlinable @inline(__always)
    public static func isASCII(_ word: UInt64) -> Bool { word & highs == 0 }

    @inlinable @inline(__always)
    public static func holdsNoASCII(_ word: UInt64) -> Bool { word & highs == highs }

    /// Whether every byte is below 0x80, eight at a time.
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i + 8 <= bytes.count {
            if !isASCII(load(bytes, at: i)) { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}
