import Foundation
import Model
import Testing

@testable import Scenario

/// The writer escapes every string it writes, and what it would write is checked by the loader.
@Suite struct ScenarioWriterTests {
    /// Line breaks YAML knows (LF, CR, NEL, LS, PS), controls (C0, DEL, C1), a bidi override, a BOM
    /// and a noncharacter, with the quote and backslash a quoted scalar escapes.
    static let hostile = "a\nb\rc\r\nd\u{85}e\u{2028}f\u{2029}g\u{0}h\u{7F}i\u{9B}j\u{202E}k\u{FEFF}l\u{FFFE}m\t\"\\"

    static func document(header: [String] = [], description: String = "plain") -> ScenarioDocument {
        ScenarioDocument(
            header: header,
            blocks: [
                ScenarioDocument.Block(
                    comments: ["block " + hostile],
                    entries: [
                        ScenarioDocument.Entry("name", .string("n")),
                        ScenarioDocument.Entry("description", .string(description), comment: "note " + hostile),
                    ])
            ])
    }

    @Test func everyStringIsEscapedAndReadBackAsWritten() throws {
        let text = ScenarioWriter.render(Self.document(header: ["log " + Self.hostile], description: Self.hostile))
        // One line per header line, block comment, and key: nothing broke out of a comment or a scalar.
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 6, "\(text)")
        let breaks: [Unicode.Scalar] = ["\r", "\u{85}", "\u{2028}", "\u{2029}", "\u{0}", "\u{7F}", "\u{9B}"]
        #expect(!text.unicodeScalars.contains { breaks.contains($0) }, "\(text)")
        let scenario = try ScenarioLoader.load(yaml: text, displayName: "w.yaml")
        #expect(scenario.values["description"]?.stringValue == Self.hostile)
    }

    @Test func aCommentKeepsTabsAndBackslashesAndEscapesBreaks() {
        #expect(ScenarioWriter.escaped("a\tb\\c\nd\re", for: .comment) == "a\tb\\c\\nd\\re")
        #expect(ScenarioWriter.escaped("\u{1F600}\u{2028}", for: .comment) == "\u{1F600}\\u2028")
    }

    @Test func whatTheLoaderRefusesIsNotWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var document = Self.document()
        document.blocks[0].entries.append(ScenarioDocument.Entry("production.gap_seconds", .double(315_537_893_991)))
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioWriter.write(document, to: folder.appendingPathComponent("out.yaml"), as: "out.yaml")
        }
        #expect(error.key == "production.gap_seconds")
        #expect(error.location == "out.yaml:5")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test func bytesOverTheFileBoundAreRefused() throws {
        let data = Data(("name: n\n" + String(repeating: "# x\n", count: ScenarioLoader.maxFileBytes / 4)).utf8)
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(data: data, displayName: "big.yaml")
        }
        #expect(error.description.hasPrefix("big.yaml: is larger than"))
    }
}
