import Foundation

/// Reads a file of newline-separated records in large chunks, handing each line's bytes (without
/// the newline) to `body`; nothing but the current chunk is kept.
enum JSONLines {
    static func read(_ url: URL, chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path]) }
        defer { close(fd) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
            if n == 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            var start = 0
            pending.withUnsafeBytes { bytes in
                var i = 0
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\n") {
                        if i > start { body(UnsafeRawBufferPointer(rebasing: bytes[start..<i])) }
                        start = i + 1
                    }
                    i += 1
                }
            }
            pending.removeSubrange(0..<start)
        }
        if !pending.isEmpty { pending.withUnsafeBytes { body($0) } }
    }
}
