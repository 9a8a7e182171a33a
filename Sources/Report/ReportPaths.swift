import Foundation
import Model

/// Paths as a report pasted elsewhere should show them: relative to the current folder when inside
/// it, else `<outside>/` and the last component, so that no report names this machine's folders.
/// (`PathDisplay` in Coordinator does the first half for the run's own output; Report cannot reach it.)
public enum ReportPaths {
    /// The current folder, standardized and without a trailing slash.
    public static var currentDirectory: String {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
    }

    /// What `display` puts before the last component of a path outside the current folder.
    static let outsidePrefix = "<outside>/"

    /// One absolute path: relative when inside `cwd` (`.` for `cwd` itself), else `<outside>/name`.
    public static func display(_ path: String, cwd: String = currentDirectory) -> String {
        let root = cwd.count > 1 && cwd.hasSuffix("/") ? String(cwd.dropLast()) : cwd
        if root != "/" {
            if path == root { return "." }
            if path.hasPrefix(root + "/") { return String(path.dropFirst(root.count + 1)) }
        }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let last = trimmed.split(separator: "/").last.map(String.init) ?? ""
        return outsidePrefix + last
    }

    /// An argument of a command line as a report shows it: an absolute path, or the value of
    /// `key=/path[,/path...]`, through `display`; any other word as it is. The Reproduce line quotes
    /// the result (`ShellCommand`), so `<outside>/name` never reads as a redirection.
    public static func displayWord(_ word: String, cwd: String = currentDirectory) -> String {
        if word.hasPrefix("/") { return display(word, cwd: cwd) }
        guard let equals = word.firstIndex(of: "="), word[word.index(after: equals)...].hasPrefix("/") else {
            return word
        }
        let values = word[word.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
        return word[...equals]
            + values.map { $0.hasPrefix("/") ? display(String($0), cwd: cwd) : String($0) }.joined(separator: ",")
    }

    /// The Reproduce line of a report: each word through `displayWord`, then quoted for a POSIX shell
    /// where it needs it (`ShellCommand`: single quotes; a plain word stays bare).
    public static func reproduceLine(_ words: [String], cwd: String = currentDirectory) -> String {
        ShellCommand.line(words.map { displayWord($0, cwd: cwd) })
    }

    /// Every absolute path in Markdown, shown as `display` does: first each of `known` (the paths the
    /// report is about, which may hold spaces or any character), then any other that looks like one.
    /// Outside code an outside path becomes a code span (GitHub would take a bare `<outside>` for an
    /// HTML tag and hide it); inside code spans and fenced blocks it is replaced as it is.
    public static func scrub(_ markdown: String, cwd: String = currentDirectory, known: [String] = []) -> String {
        // Longest first, so that a path is never replaced by the display of its own folder.
        let known = Set(known.filter { $0.hasPrefix("/") && $0 != "/" }).sorted { $0.count > $1.count }
        var fence: Int? = nil
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let run = line.prefix { $0 == "`" }.count
            if let open = fence {
                if run >= open, line.dropFirst(run).allSatisfy(\.isWhitespace) {
                    fence = nil
                    return String(line)
                }
                return replacePaths(in: replaceKnown(known, in: Substring(line), cwd: cwd, inCode: true), cwd: cwd)
            }
            if run >= 3 {
                fence = run
                return String(line)
            }
            return segments(line).map { part, inCode in
                replacePaths(in: replaceKnown(known, in: part, cwd: cwd, inCode: inCode), cwd: cwd, inCode: inCode)
            }.joined()
        }
        return lines.joined(separator: "\n")
    }

    /// Every absolute path in plain text (a field of `summary.json`), shown as `display` does: first
    /// each of `known` (which may hold spaces or any character), then any other that looks like one.
    /// No Markdown is added; `scrub` makes the `<outside>/name` left in prose a code span.
    public static func displayPaths(in text: String, cwd: String = currentDirectory, known: [String] = []) -> String {
        let known = Set(known.filter { $0.hasPrefix("/") && $0 != "/" }).sorted { $0.count > $1.count }
        return replacePaths(in: replaceKnown(known, in: Substring(text), cwd: cwd, inCode: true), cwd: cwd)
    }

    /// A line cut into prose and code spans (delimiters included in the code), as CommonMark reads
    /// it: a backslash escapes the next character, a run of n backticks opens a span that the next
    /// run of exactly n closes, and a run with no closer is text.
    static func segments(_ line: Substring) -> [(Substring, Bool)] {
        var parts: [(Substring, Bool)] = []
        var proseStart = line.startIndex
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == "\\" {
                i = line.index(i, offsetBy: 2, limitedBy: line.endIndex) ?? line.endIndex
                continue
            }
            guard line[i] == "`" else {
                i = line.index(after: i)
                continue
            }
            let runEnd = line[i...].firstIndex { $0 != "`" } ?? line.endIndex
            let width = line.distance(from: i, to: runEnd)
            var j = runEnd
            var close: Range<Substring.Index>? = nil
            while j < line.endIndex, close == nil {
                guard line[j] == "`" else {
                    j = line.index(after: j)
                    continue
                }
                let end = line[j...].firstIndex { $0 != "`" } ?? line.endIndex
                if line.distance(from: j, to: end) == width { close = j..<end }
                j = end
            }
            guard let close else {
                i = runEnd
                continue
            }
            if proseStart < i { parts.append((line[proseStart..<i], false)) }
            parts.append((line[i..<close.upperBound], true))
            proseStart = close.upperBound
            i = close.upperBound
        }
        if proseStart < line.endIndex || parts.isEmpty { parts.append((line[proseStart...], false)) }
        return parts
    }

    /// `text` with each of `known` (longest first) shown as `display` does.
    static func replaceKnown(_ known: [String], in text: Substring, cwd: String, inCode: Bool) -> Substring {
        guard !known.isEmpty else { return text }
        var out = String(text)
        for path in known where out.contains(path) {
            let shown = display(path, cwd: cwd)
            out = out.replacingOccurrences(
                of: path, with: !inCode && shown.hasPrefix("<outside>") ? Markdown.escape(shown, .codeSpan) : shown)
        }
        return Substring(out)
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

    static func replacePaths(in text: Substring, cwd: String, inCode: Bool = true) -> String {
        var out = ""
        var i = text.startIndex
        var previous: Character? = nil
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            // A path already shown (`displayPaths`, a summary's field): in prose a code span, as above
            // (not one `replaceKnown` just made).
            if !inCode, c == "<", previous != "`", opensPath(previous), text[i...].hasPrefix(outsidePrefix) {
                var end = text.index(i, offsetBy: outsidePrefix.count)
                while end < text.endIndex, isPathCharacter(text[end]) { end = text.index(after: end) }
                while end > i, text[text.index(before: end)] == "." { end = text.index(before: end) }
                out += Markdown.escape(String(text[i..<end]), .codeSpan)
                previous = "`"
                i = end
                continue
            }
            if c == "/", opensPath(previous), next < text.endIndex, text[next] != "/", isPathCharacter(text[next]) {
                var end = next
                while end < text.endIndex, isPathCharacter(text[end]) { end = text.index(after: end) }
                // A sentence's full stop is not part of the path.
                while end > next, text[text.index(before: end)] == "." { end = text.index(before: end) }
                let shown = display(String(text[i..<end]), cwd: cwd)
                out += !inCode && shown.hasPrefix("<outside>") ? Markdown.escape(shown, .codeSpan) : shown
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
