import Application
import Foundation
import Testing

/// Paths a run will write are checked before anything starts: one reason each, or nil.
@Suite struct PathCheckTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pathcheck-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: Self.scratch, withIntermediateDirectories: true) }

    @Test func aNewFolderMustNotExistAndItsParentMustBeWritable() throws {
        #expect(PathCheck.newFolder(Self.scratch.appendingPathComponent("run-\(UUID().uuidString)")) == nil)
        #expect(PathCheck.newFolder(Self.scratch) != nil, "an existing folder is refused")
        let underAFile = Self.scratch.appendingPathComponent("file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: underAFile)
        #expect(PathCheck.newFolder(underAFile.appendingPathComponent("run")) != nil, "a parent that is a file")
    }

    @Test func aFileIsNotAFolder() throws {
        let file = Self.scratch.appendingPathComponent("plain-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        #expect(PathCheck.folder(file) != nil)
        #expect(PathCheck.folder(Self.scratch) == nil)
    }

    @Test func aNewFileNeedsAFolderToGoIn() {
        #expect(PathCheck.newFile(Self.scratch.appendingPathComponent("out-\(UUID().uuidString).json")) == nil)
        #expect(PathCheck.newFile(URL(fileURLWithPath: "/no/such/folder/out.json")) != nil)
    }
}
