import Foundation
import Model

/// A scenario file to write: comment lines, then blocks of keys, each key with where its value
/// came from. Dotted keys (`production.runs`) become nested mappings; a list of mappings (the
/// `jobs:` list) is a value too.
public struct ScenarioDocument: Sendable {
    /// A key's value.
    public enum Value: Sendable {
        case scalar(ScenarioValue)
        /// A list of mappings, each a list of entries (`jobs:`), with comment lines above each item.
        case items([Item])
    }

    /// One mapping of a list, with comment lines above it.
    public struct Item: Sendable {
        public var comments: [String]
        public var entries: [Entry]

        public init(comments: [String] = [], entries: [Entry]) {
            self.comments = comments
            self.entries = entries
        }
    }

    /// `key: value  # comment`; `key` may be dotted.
    public struct Entry: Sendable {
        public var key: String
        public var value: Value
        public var comment: String?

        public init(_ key: String, _ value: Value, comment: String? = nil) {
            self.key = key
            self.value = value
            self.comment = comment
        }

        public init(_ key: String, _ value: ScenarioValue, comment: String? = nil) {
            self.init(key, .scalar(value), comment: comment)
        }
    }

    /// Keys that belong together, with comment lines above them and a blank line after.
    public struct Block: Sendable {
        public var comments: [String]
        public var entries: [Entry]

        public init(comments: [String] = [], entries: [Entry]) {
            self.comments = comments
            self.entries = entries
        }
    }

    /// The comment lines at the top of the file (without `# `).
    public var header: [String]
    public var blocks: [Block]

    public init(header: [String], blocks: [Block]) {
        self.header = header
        self.blocks = blocks
    }
}

/// Writes a `ScenarioDocument` as YAML the scenario loader reads.
public enum ScenarioWriter {
    /// The document's text.
    public static func render(_ document: ScenarioDocument) -> String {
        var lines = document.header.map(comment)
        for block in document.blocks {
            if !lines.isEmpty { lines.append("") }
            lines += block.comments.map(comment)
            lines += render(block.entries, indent: 0)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the document whole or not at all, by the one rule for files the tool writes
    /// (`OutputFile`). The bytes are first read back by the scenario loader (`checked`): a file the
    /// tool would refuse is never written.
    /// - Parameter name: the file as errors name it (default: its file name).
    /// - Throws: `ScenarioError` when the loader refuses the text (nothing written); else
    ///   `OutputFile.Problem`.
    public static func write(_ document: ScenarioDocument, to url: URL, as name: String? = nil) throws {
        let data = try checked(document, as: name ?? url.lastPathComponent)
        try OutputFile.write(data, to: url)
    }

    /// The document's bytes, once `ScenarioLoader` has loaded them as it loads `--scenario FILE`
    /// (size bound, node budget, every key's type and range); `name` is the file's name in errors.
    /// - Throws: the loader's `ScenarioError`.
    public static func checked(_ document: ScenarioDocument, as name: String) throws -> Data {
        let data = Data(render(document).utf8)
        _ = try ScenarioLoader.load(data: data, displayName: name)
        return data
    }

    /// A comment line: the text escaped, so that no line break or control character in it ends
    /// the comment or makes the file unreadable.
    private static func comment(_ text: String) -> String {
        text.isEmpty ? "#" : "# " + escaped(text, for: .comment)
    }

    /// Entries with the same first name component are written under one mapping key.
    private static func render(_ entries: [ScenarioDocument.Entry], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        var index = 0
        while index < entries.count {
            let entry = entries[index]
            guard let dot = entry.key.firstIndex(of: ".") else {
                lines += render(entry, pad: pad, indent: indent)
                index += 1
                continue
            }
            let section = String(entry.key[..<dot])
            var children: [ScenarioDocument.Entry] = []
            while index < entries.count, entries[index].key.hasPrefix(section + ".") {
                var child = entries[index]
                child.key = String(child.key.dropFirst(section.count + 1))
                children.append(child)
                index += 1
            }
            lines.append("\(pad)\(section):")
            lines += render(children, indent: indent + 2)
        }
        return lines
    }

    private static func render(_ entry: ScenarioDocument.Entry, pad: String, indent: Int) -> [String] {
        let note = entry.comment.map { "  " + comment($0) } ?? ""
        switch entry.value {
        case .scalar(let value):
            return ["\(pad)\(entry.key): \(yaml(value))\(note)"]
        case .items(let items):
            var lines = ["\(pad)\(entry.key):\(note)"]
            for item in items {
                lines += item.comments.map { "\(pad)  \(comment($0))" }
                let body = render(item.entries, indent: indent + 4)
                guard let first = body.first else { continue }
                lines.append("\(pad)  - " + first.dropFirst(indent + 4))
                lines += body.dropFirst()
            }
            return lines
        }
    }

    /// A value as YAML: numbers bare, strings and list items double-quoted.
    static func yaml(_ value: ScenarioValue) -> String {
        switch value {
        case .int(let v): return String(v)
        case .double(let v): return ScenarioValue.format(v)
        case .string(let v): return quoted(v)
        case .list(let v): return "[" + v.map(quoted).joined(separator: ", ") + "]"
        }
    }

    static func quoted(_ text: String) -> String { "\"" + escaped(text, for: .doubleQuoted) + "\"" }

    /// Where a string is written: inside a double-quoted scalar, or in a `#` comment.
    enum Context {
        case doubleQuoted
        case comment
    }

    /// Every string the writer puts in the file goes through here. Line breaks (LF, CR, NEL, LS,
    /// PS), control and format characters and noncharacters become YAML escapes (`\n`, `\r`,
    /// `\x7F`, `\u2028`): libyaml refuses the controls and ends a comment or folds a quoted
    /// scalar at any of the breaks. In a quoted scalar `"` and `\` are escaped too, so the
    /// loader reads back the same text; a comment keeps tabs and backslashes as they are.
    static func escaped(_ text: String, for context: Context) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch (scalar, context) {
            case ("\"", .doubleQuoted): out += "\\\""
            case ("\\", .doubleQuoted): out += "\\\\"
            case ("\t", .comment): out += "\t"
            case ("\t", .doubleQuoted): out += "\\t"
            case ("\n", _): out += "\\n"
            case ("\r", _): out += "\\r"
            default:
                guard needsEscape(scalar) else {
                    out.unicodeScalars.append(scalar)
                    continue
                }
                switch scalar.value {
                case ..<0x100: out += String(format: "\\x%02X", scalar.value)
                case ..<0x10000: out += String(format: "\\u%04X", scalar.value)
                default: out += String(format: "\\U%08X", scalar.value)
                }
            }
        }
        return out
    }

    /// C0 and C1 controls, DEL, format characters (bidi overrides, BOM), line and paragraph
    /// separators, and unassigned code points (U+FFFE, U+FFFF among them).
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if (0x20..<0x7F).contains(scalar.value) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate: return true
        default: return false
        }
    }
}
