import Foundation
import Testing

@testable import Model

/// The one rule for files the tool writes, and the release grammar of a probe's version.
@Suite struct OutputFileTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesWholeAndReplacesARegularFile() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("out.json")
        try OutputFile.write(Data("old".utf8), to: file)
        try OutputFile.write(Data("new".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }

    @Test func refusesAFIFOAndAFolderAndLeavesThem() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("out.fifo")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        #expect(throws: OutputFile.Problem.refused("is a FIFO, not a file")) {
            try OutputFile.write(Data("x".utf8), to: fifo)
        }
        #expect(FileKind.of(fifo.path) == .fifo)
        #expect(OutputFile.problem(folder) == "is a folder, not a file")
        #expect(OutputFile.problem(folder.appendingPathComponent("no/such.json"))?.contains("does not exist") == true)
    }

    @Test(arguments: ["4.2.0", "3.7.0rc1", "1.0.post2", "2.0.dev3", "4.2.0+local.1", "3.11.7", "10"])
    func releaseVersionsItTakes(_ text: String) {
        #expect(ProbeReport.isReleaseVersion(text), "\(text)")
    }

    @Test(arguments: ["../../../escaped", "4.2.0/x", ".1", "", "4.2.0\n", "4.2.0\u{1B}[31m", "4.2 0", "x1.0"])
    func releaseVersionsItRefuses(_ text: String) {
        #expect(!ProbeReport.isReleaseVersion(text), "\(text.debugDescription)")
    }
}
