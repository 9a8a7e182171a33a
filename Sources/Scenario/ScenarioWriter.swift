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

    /// Writes the text whole or not at all, by the one rule for files the tool writes (`OutputFile`).
    public static func write(_ document: ScenarioDocument, to url: URL) throws(OutputFile.Problem) {
        try OutputFile.write(Data(render(document).utf8), to: url)
    }

    private static func comment(_ text: String) -> String { text.isEmpty ? "#" : "# \(text)" }

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
        let note = entry.comment.map { "  # \($0)" } ?? ""
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

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
