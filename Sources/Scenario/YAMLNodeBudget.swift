import CYaml  // libyaml, which Yams is built on: its events arrive before Yams builds (and hashes) any node
import Foundation
import Model

/// The most YAML nodes a scenario file may describe, every alias expanded, keys included.
///
/// Yams resolves an alias to a copy of its anchored node and hashes every mapping key whole to
/// find duplicates, so a few hundred bytes of nested aliases used as a key (`? [*a9, *a9]`, each
/// anchor ten of the one before) would cost ~10^10 steps before any value is checked. Counting on
/// libyaml's event stream first costs one step per event, whatever the aliases expand to.
public enum YAMLNodeBudget {
    /// Nodes allowed in one scenario file: a hand-written one has well under 500, one made from a
    /// fleet's logs about 25 a job, so 10,000 jobs fit (docs/usage.md).
    public static let limit = 300_000

    /// Throws a one-line `ScenarioError` (file, line, and the dotted key the walk was in) once the
    /// nodes of `text`, aliases expanded, pass `limit`. Syntax errors are left to Yams.
    static func check(_ text: String, file: String) throws {
        var bytes = Array(text.utf8)
        bytes.append(0)
        let over = bytes.withUnsafeBufferPointer { buffer -> Walk.Exceeded? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var walk = Walk()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let exceeded = walk.step(event) { return exceeded }
            }
        }
        if let over {
            throw ScenarioError(
                location: "\(file):\(over.line)", key: over.key,
                problem: "more than \(limit) YAML nodes with aliases expanded (the limit of a scenario file)")
        }
    }

    /// Counts nodes event by event, remembering each anchor's expanded size.
    struct Walk {
        struct Exceeded {
            let line: Int
            let key: String?
        }

        /// An open sequence or mapping.
        struct Frame {
            let isMapping: Bool
            let start: Int
            let anchor: String?
            /// In a mapping: whether the next node is a key, and the last key seen (`?` for a complex one).
            var atKey = true
            var key = ""
        }

        private(set) var total = 0
        private var sizes: [String: Int] = [:]
        private var frames: [Frame] = []

        mutating func step(_ event: yaml_event_t) -> Exceeded? {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_SCALAR_EVENT:
                noteKey(Self.string(event.data.scalar.value, length: Int(event.data.scalar.length)))
                total += 1
                if let anchor = Self.string(event.data.scalar.anchor) { sizes[anchor] = 1 }
                completed()
            case YAML_ALIAS_EVENT:
                let anchor = Self.string(event.data.alias.anchor) ?? ""
                noteKey("*" + anchor)
                // An undefined alias counts one; Yams then rejects it.
                total += sizes[anchor] ?? 1
                completed()
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                noteKey("?")
                let mapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = Self.string(mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                frames.append(Frame(isMapping: mapping, start: total, anchor: anchor))
                total += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = frames.popLast() else { return nil }
                if let anchor = frame.anchor { sizes[anchor] = total - frame.start }
                completed()
            default:
                return nil
            }
            guard total > YAMLNodeBudget.limit else { return nil }
            let keys = frames.filter(\.isMapping).map(\.key).filter { !$0.isEmpty }
            return Exceeded(line: line, key: keys.isEmpty ? nil : keys.joined(separator: "."))
        }

        // A node starts: in a mapping waiting for a key, it is that key.
        private mutating func noteKey(_ name: @autoclosure () -> String?) {
            guard let last = frames.indices.last, frames[last].isMapping, frames[last].atKey else { return }
            frames[last].key = name() ?? ""
        }

        // A node ended: in a mapping, a key is followed by its value and a value by the next key.
        private mutating func completed() {
            guard let last = frames.indices.last, frames[last].isMapping else { return }
            frames[last].atKey.toggle()
        }

        private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
            guard let pointer else { return nil }
            let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }
    }
}
