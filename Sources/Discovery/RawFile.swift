#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a whole file with plain `open` + `write`: Foundation's `Data.write` calls `fsync`, which
/// costs about 10 ms here and is not what either cache design does.
enum RawFile {
    /// `exclusive`: create a new file (`O_EXCL`, for temporaries); else create or truncate in place.
    static func store(_ path: String, _ data: Data, exclusive: Bool) -> Bool {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
