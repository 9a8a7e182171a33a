import Foundation
import Pipeline

/// Appends every event to `events.jsonl` the moment it arrives and keeps it for the analysis.
///
/// Lines from workers are re-encoded with the coordinator's worker number; a line that is not
/// an event is kept too, as a `malformed_line` event carrying the raw text, so nothing is lost.
final class EventLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private(set) var events: [WorkerEvent] = []

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ChildProcessError("\(url.path): cannot create the event log")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    func record(line: Substring, worker: Int) {
        var event: WorkerEvent
        if let parsed = WorkerEvent.parse(line) {
            event = parsed
        } else {
            event = WorkerEvent(.malformedLine)
            event.detail = String(line.prefix(4096))
        }
        event.worker = worker
        record(event)
    }

    func record(_ event: WorkerEvent) {
        let data = Data((event.jsonLine() + "\n").utf8)
        lock.withLock {
            handle.write(data)
            events.append(event)
        }
    }

    var snapshot: [WorkerEvent] { lock.withLock { events } }

    func close() {
        lock.withLock { try? handle.close() }
    }
}
