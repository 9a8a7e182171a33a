import Foundation
import Logs
import Testing

/// A 100 MB log, written into a temporary folder (never committed), read streaming.
@Suite struct BigLogTests {
    @Test func hundredMegabytesStream() throws {
        let one = try Data(contentsOf: LogFixtures.matatikaFolder.appendingPathComponent(LogFixtures.ok))
        let copies = 100 * 1024 * 1024 / one.count + 1
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("100mb.log")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        for _ in 0..<copies { handle.write(one) }
        try handle.close()

        let start = Date()
        let log = try LogFileTimeline.read(path: file.path)
        let seconds = Date().timeIntervalSince(start)
        #expect(log.byteCount == one.count * copies && log.byteCount >= 100 << 20)
        #expect(log.runs.count == 9 * copies)
        #expect(log.runs.allSatisfy { $0.status == .completed && $0.phases.allSatisfy { $0.microseconds != nil } })
        // Each copy restarts the clock: one diagnostic per copy, five kept and the rest counted.
        #expect(log.diagnostics.count == 6)
        #expect(log.diagnostics.last?.message == "\(copies - 1 - 5) more like that: the clock goes backwards")
        // Release builds take under 2 s (docs/logs.md); a debug build under load gets a wide margin.
        #expect(seconds < 120, "took \(seconds) s")
        print(
            "BigLogTests: \(log.byteCount) bytes, \(log.lineCount) lines, \(log.runs.count) runs in \(String(format: "%.2f", seconds)) s"
        )
    }
}
