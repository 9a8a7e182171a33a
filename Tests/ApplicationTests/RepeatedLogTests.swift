import Foundation
import Testing

@testable import Application

/// A log given twice in one set is found by file identity, however it is spelled.
@Suite struct RepeatedLogTests {
    @Test func theSameFileUnderAnyNameIsFound() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("repeated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.log").path
        let b = folder.appendingPathComponent("b.log").path
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: a))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: b))
        let hard = folder.appendingPathComponent("hard.log").path
        #expect(link(a, hard) == 0)
        let other = folder.path + "/./a.log"

        #expect(ScenarioFromLogs.repeatedLog(in: [a, b]) == nil)
        #expect(ScenarioFromLogs.repeatedLog(in: [a, b, a]) == .init(first: a, again: a))
        #expect(ScenarioFromLogs.repeatedLog(in: [a, b, a])?.description == "\(a) is given twice")
        #expect(ScenarioFromLogs.repeatedLog(in: [a, other]) == .init(first: a, again: other))
        #expect(ScenarioFromLogs.repeatedLog(in: [hard, b, a])?.description == "\(a) is the same file as \(hard)")
        // A path that does not exist is left to the reader, which says why.
        #expect(ScenarioFromLogs.repeatedLog(in: [a + ".missing", a + ".missing"]) == nil)
    }
}
