import Foundation

/// `url.standardizedFileURL.path` without Foundation's path accessors on the usual input: those
/// parse and percent-decode the URL, tens of µs on a cold start, which was most of a persistent
/// hit. A plain `file:///...` URL (or a plain relative one on such a base) is read byte by byte
/// from its stored string; anything else (percent escapes, `.` or `..`, empty components, queries,
/// non-ASCII) takes Foundation's way.
enum FileURLPath {
    static func standardized(_ url: URL) -> String {
        let string = url.relativeString
        // An absolute `file:///` string ignores any base, so the base is not even asked for.
        if let path = absolute(string) { return path }
        if let base = url.baseURL, base.baseURL == nil, let basePath = absolute(base.relativeString) {
            let bytes = Array(string.utf8)
            if let relative = plain(bytes, from: 0), !relative.isEmpty {
                return (basePath == "/" ? "" : basePath) + "/" + String(decoding: bytes[relative], as: UTF8.self)
            }
        }
        return url.standardizedFileURL.path
    }

    private static let scheme = Array("file://".utf8)

    /// `/a/b` for `file:///a/b` or `file:///a/b/`, or nil unless it is that plain.
    private static func absolute(_ string: String) -> String? {
        let bytes = Array(string.utf8)
        guard bytes.count > scheme.count, bytes.starts(with: scheme), bytes[scheme.count] == UInt8(ascii: "/"),
            let path = plain(bytes, from: scheme.count + 1)
        else { return nil }
        return "/" + String(decoding: bytes[path], as: UTF8.self)
    }

    /// The range of `a/b` in `a/b` or `a/b/` from `start`: components that are not empty, `.` or
    /// `..`, made of bytes a URL keeps as they are. Nil otherwise.
    private static func plain(_ bytes: [UInt8], from start: Int) -> Range<Int>? {
        var end = bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        var componentStart = start
        for index in start...end {
            if index == end || bytes[index] == UInt8(ascii: "/") {
                let component = bytes[componentStart..<index]
                if index == end && index == start { break }  // the root itself
                guard !component.isEmpty, !component.allSatisfy({ $0 == UInt8(ascii: ".") }) || component.count > 2
                else { return nil }
                componentStart = index + 1
            } else if !isPlain(bytes[index]) {
                return nil
            }
        }
        return start..<end
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }
}
