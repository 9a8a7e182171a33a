import Foundation

/// Paths as a report pasted elsewhere should show them: relative to the current folder when inside
/// it, else `<outside>/` and the last component, so that no report names this machine's folders.
/// (`PathDisplay` in Coordinator does the first half for the run's own output; Report cannot reach it.)
public enum ReportPaths {
    /// The current folder, standardized and without a trailing slash.
    public static var currentDirectory: String {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
    }

    /// One absolute path: relative when inside `cwd` (`.` for `cwd` itself), else `<outside>/name`.
    public static func display(_ path: String, cwd: String = currentDirectory) -> String {
        let root = cwd.count > 1 && cwd.hasSuffix("/") ? String(cwd.dropLast()) : cwd
        if root != "/" {
            if path == root { return "." }
            if path.hasPrefix(root + "/") { return String(path.dropFirst(root.count + 1)) }
        }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let last = trimmed.split(separator: "/").last.map(String.init) ?? ""
        return "<outside>/" + last
    }

    /// Every absolute path in Markdown, shown as `display` does. Outside code an outside path becomes a
    /// code span (GitHub would take a bare `<outside>` for an HTML tag and hide it); inside code spans
    /// and fenced blocks it is replaced as it is.
    public static func scrub(_ markdown: String, cwd: String = currentDirectory) -> String {
        var inFence = false
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("```") {
                inFence.toggle()
                return String(line)
            }
            if inFence { return replacePaths(in: Substring(line), cwd: cwd, inCode: true) }
            // Alternating prose and code spans (one backtick each side, as this package writes them).
            return line.split(separator: "`", omittingEmptySubsequences: false).enumerated().map { i, part in
                replacePaths(in: part, cwd: cwd, inCode: i % 2 == 1)
            }.joined(separator: "`")
        }
        return lines.joined(separator: "\n")
    }

    /// Characters a path runs over (a `:` ends it, as in `file.yaml:4`; a `,` too, as in prose).
    static func isPathCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || "._-+@%~=/".contains(c)
    }

    /// Characters after which a `/` starts an absolute path (not `a/b`, `</tag>` or `https://`).
    static func opensPath(_ c: Character?) -> Bool {
        guard let c else { return true }
        return c.isWhitespace || "(['\"=:,;`".contains(c)
    }

    static func replacePaths(in text: Substring, cwd: String, inCode: Bool) -> String {
        var out = ""
        var i = text.startIndex
        var previous: Character? = nil
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "/", opensPath(previous), next < text.endIndex, text[next] != "/", isPathCharacter(text[next]) {
                var end = next
                while end < text.endIndex, isPathCharacter(text[end]) { end = text.index(after: end) }
                // A sentence's full stop is not part of the path.
                while end > next, text[text.index(before: end)] == "." { end = text.index(before: end) }
                let shown = display(String(text[i..<end]), cwd: cwd)
                out += !inCode && shown.hasPrefix("<outside>") ? "`\(shown)`" : shown
                previous = text[text.index(before: end)]
                i = end
                continue
            }
            out.append(c)
            previous = c
            i = next
        }
        return out
    }
}
