#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A distribution's display name as CPython 3.11's `dist.metadata.get("Name", "")` gives it: the
/// first `Name` header of `METADATA`, else of `PKG-INFO`, else of the metadata path itself when it
/// is a file (a single-file `.egg-info`), read as the `email` package's compat32 parser reads it.
public enum DistributionName {
    /// The name in the metadata at `folderPath`; "" when no file holds one. Returns nil where
    /// CPython would raise instead (a metadata file that is not UTF-8, or an unexpected read error).
    public static func name(folderPath: String) -> String? {
        try? read(folderPath: folderPath).get()
    }

    /// What `name(folderPath:)` gives, or why it gives nil: `.invalidUTF8`, `.readError`, or a
    /// metadata file the scanner does not read (`.tooLarge`, `.notRegularFile`).
    public static func read(folderPath: String) -> Result<String, Unread> {
        // `read_text(...) or ...`: a missing or empty file falls through to the next one.
        for file in [folderPath + "/METADATA", folderPath + "/PKG-INFO", folderPath] {
            switch FileSystem.readFile(file) {
            case .success(let bytes):
                guard !bytes.isEmpty else { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(Unread(.invalidUTF8)) }
                return .success(header("name", in: text) ?? "")
            case .failure(.tooLarge):
                return .failure(Unread(.tooLarge))
            case .failure(.notRegularFile):
                return .failure(Unread(.notRegularFile))
            case .failure(.system(let code)):
                // The errors `PathDistribution.read_text` suppresses.
                guard [ENOENT, EISDIR, ENOTDIR, EACCES, EPERM].contains(code) else {
                    return .failure(Unread(.readError))
                }
            }
        }
        return .success("")
    }

    /// Why a distribution's name was not read: the scanner's kind of skip.
    public struct Unread: Error, Equatable {
        public let kind: SkipKind
        init(_ kind: SkipKind) { self.kind = kind }
    }

    /// The value of the first header named `lowercasedName` (any case in the text), as
    /// `email.message_from_string(text).get(name)` returns it after `importlib.metadata`'s
    /// `_adapters.Message` re-indents folded values; nil when there is none. Works on Unicode
    /// scalars, as Python indexes code points.
    static func header(_ lowercasedName: String, in text: String) -> String? {
        // `Path.read_text` translates \r\n and \r to \n; the parser then splits at \n.
        var lines: [[Unicode.Scalar]] = [[]]
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\n", previousWasCR { continue }
            if scalar == "\n" || scalar == "\r" { lines.append([]) } else { lines[lines.count - 1].append(scalar) }
        }
        if lines.last!.isEmpty { lines.removeLast() }  // after the text's last line break
        // The parser reads headers until a line that is neither a header nor a continuation.
        let block = lines.prefix(while: isHeaderLine)
        // `FeedParser._parse_headers`: a header is its first line plus its continuation lines;
        // a continuation with no header open (first line, after an envelope or bad line) is dropped.
        var headers: [(name: String, lines: [[Unicode.Scalar]])] = []
        var open = false
        for (index, line) in block.enumerated() {
            if line.first == " " || line.first == "\t" {
                if open { headers[headers.count - 1].lines.append(line) }
                continue
            }
            open = false
            if line.starts(with: "From ".unicodeScalars) {
                if index == block.count - 1, index > 0 { break }  // pushed back as the body's first line
                continue  // the unix-from envelope, or a misplaced one (ignored)
            }
            let colon = line.firstIndex(of: ":")!  // `isHeaderLine` saw one
            guard colon > 0 else { continue }  // "Missing header name."
            headers.append((String(String.UnicodeScalarView(line[..<colon])).lowercased(), [line]))
            open = true
        }
        guard let found = headers.first(where: { $0.name == lowercasedName }) else { return nil }
        // compat32 `header_source_parse`: strip " \t" after the colon, join the lines, strip the
        // trailing line break.
        let first = found.lines[0]
        var value = Array(first[(first.firstIndex(of: ":")! + 1)...].drop { $0 == " " || $0 == "\t" })
        for line in found.lines.dropFirst() { value += ["\n"] + line }
        guard value.contains("\n") else { return String(String.UnicodeScalarView(value)) }
        return dedent(Array(repeating: " ", count: 8) + value)
    }

    // `headerRE`: `^(From |[\041-\071\073-\176]*:|[\t ])`.
    private static func isHeaderLine(_ line: [Unicode.Scalar]) -> Bool {
        if line.starts(with: "From ".unicodeScalars) || line.first == " " || line.first == "\t" { return true }
        for scalar in line {
            if scalar == ":" { return true }
            guard (0x21...0x7E).contains(scalar.value) else { return false }
        }
        return false
    }

    // `textwrap.dedent`: whitespace-only lines become empty; the margin common to the others goes.
    private static func dedent(_ text: [Unicode.Scalar]) -> String {
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.allSatisfy(isBlank) ? [] : Array($0)
        }
        var margin: [Unicode.Scalar]?
        for line in lines where !line.isEmpty {
            let indent = line.prefix(while: isBlank)
            margin = margin.map { Array(zip($0, indent).prefix { $0 == $1 }.map(\.0)) } ?? Array(indent)
        }
        let cut = margin?.count ?? 0
        let dedented = lines.map { String(String.UnicodeScalarView($0.dropFirst(cut))) }
        return dedented.joined(separator: "\n")
    }
}
