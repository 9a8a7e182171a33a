import Foundation

/// Splits a byte stream into lines without holding more than one chunk and one line in memory.
///
/// Bytes are read in 1 MiB chunks; a line inside a chunk is handed over in place, a line that
/// spans chunks is gathered first. A line longer than `maxLineBytes` keeps only its first and
/// last `keptBytes` (where a structlog line's timestamp and its keys are) and is flagged, so one
/// enormous line cannot exhaust memory. `\n` ends a line; `\r` before it is the parser's business.
struct LineReader {
    /// One line, valid only during the callback.
    struct Line {
        var bytes: UnsafeBufferPointer<UInt8>
        var number: Int
        /// The line's real length when it was cut down to its head and tail.
        var cutFrom: Int?
    }

    struct Summary {
        var lines = 0
        var bytes = 0
        /// Offset of a NUL byte in the first 64 KiB: the input is binary and was not read further.
        var binaryAt: Int?
    }

    static let chunkBytes = 1 << 20
    static let maxLineBytes = 8 << 20
    static let keptBytes = 64 << 10

    /// Fills the buffer from the source, returning the count read (0 at the end).
    let read: (UnsafeMutableRawBufferPointer) throws -> Int
    /// The buffer's size: `chunkBytes`, or less for a source known to be smaller (a log in memory),
    /// so that a small log does not cost a mebibyte of zeroed memory.
    let bufferBytes: Int

    init(bufferBytes: Int = Self.chunkBytes, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.bufferBytes = max(1, min(bufferBytes, Self.chunkBytes))
        self.read = read
    }

    func forEachLine(_ body: (Line) throws -> Void) throws -> Summary {
        var summary = Summary()
        var chunk = [UInt8](repeating: 0, count: bufferBytes)
        var gathered: [UInt8] = []
        var tail = TailBuffer(capacity: Self.keptBytes)
        var lineLength = 0
        var cut = false

        func emitGathered() throws {
            summary.lines += 1
            if cut {
                let kept = gathered + tail.ordered()
                try kept.withUnsafeBufferPointer {
                    try body(Line(bytes: $0, number: summary.lines, cutFrom: lineLength))
                }
            } else {
                try gathered.withUnsafeBufferPointer { try body(Line(bytes: $0, number: summary.lines, cutFrom: nil)) }
            }
            gathered.removeAll(keepingCapacity: gathered.count <= Self.chunkBytes)
            tail = TailBuffer(capacity: Self.keptBytes)
            lineLength = 0
            cut = false
        }

        func gather(_ piece: UnsafeBufferPointer<UInt8>) {
            lineLength += piece.count
            if cut {
                tail.append(piece)
            } else if gathered.count + piece.count <= Self.maxLineBytes {
                gathered.append(contentsOf: piece)
            } else {
                cut = true
                gathered[Self.keptBytes...].withUnsafeBufferPointer { tail.append($0) }
                gathered.removeSubrange(Self.keptBytes...)
                tail.append(piece)
            }
        }

        while true {
            let count = try chunk.withUnsafeMutableBytes { try read($0) }
            if count == 0 { break }
            try chunk.withUnsafeBufferPointer { whole in
                let buffer = UnsafeBufferPointer(rebasing: whole[0..<count])
                if summary.bytes < 65536 {
                    let limit = min(count, 65536 - summary.bytes)
                    if let nul = ByteSearch.firstIndex(of: 0, in: buffer, from: 0, to: limit) {
                        summary.binaryAt = summary.bytes + nul
                        return
                    }
                }
                summary.bytes += count
                var start = 0
                while let newline = ByteSearch.firstIndex(of: 0x0A, in: buffer, from: start, to: count) {
                    let piece = UnsafeBufferPointer(rebasing: buffer[start..<newline])
                    if lineLength == 0 && gathered.isEmpty {
                        summary.lines += 1
                        try body(Line(bytes: piece, number: summary.lines, cutFrom: nil))
                    } else {
                        gather(piece)
                        try emitGathered()
                    }
                    start = newline + 1
                }
                if start < count { gather(UnsafeBufferPointer(rebasing: buffer[start..<count])) }
            }
            if summary.binaryAt != nil { return summary }
        }
        if lineLength > 0 { try emitGathered() }
        return summary
    }
}

/// The last `capacity` bytes appended, in a ring.
struct TailBuffer {
    private var storage: [UInt8] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes.suffix(capacity) {
            if storage.count < capacity {
                storage.append(byte)
            } else {
                storage[next] = byte
                next = (next + 1) % capacity
            }
        }
    }

    func ordered() -> [UInt8] { storage.count < capacity ? storage : Array(storage[next...] + storage[..<next]) }
}
