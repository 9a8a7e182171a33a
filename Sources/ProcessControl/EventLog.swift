import Foundation
import Pipeline

/// Appends every event to `events.jsonl` the moment it arrives and keeps it for the analysis.
///
/// A worker's line is written as the worker sent it with the coordinator's worker number spliced
/// in (re-encoded only if it already names a worker); a line that is not
/// an event is kept too, as a `malformed_line` event carrying the raw text, so nothing is lost.
public final class EventLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private(set) var events: [WorkerEvent] = []

    public init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ChildProcessError("\(url.path): cannot create the event log")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    /// Logs one line from a worker and returns it parsed (nil when it is not an event).
    @discardableResult
    public func record(line: Substring, worker: Int) -> WorkerEvent? {
        guard var event = WorkerEvent.parse(line), line.first == "{" else {
            var malformed = WorkerEvent(.malformedLine)
            malformed.detail = String(line.prefix(4096))
            malformed.worker = worker
            record(malformed)
            return nil
        }
        // A line that already names a worker is re-encoded rather than given a second "worker" key.
        guard event.worker == nil else {
            event.worker = worker
            record(event)
            return event
        }
        event.worker = worker
        // The worker's own bytes with the worker number spliced in: no re-encoding per event.
        let text = "{\"worker\":\(worker)," + line.dropFirst() + "\n"
        lock.withLock {
            handle.write(Data(text.utf8))
            events.append(event)
        }
        return event
    }

    public func record(_ event: WorkerEvent) {
        let data = Data((event.jsonLine() + "\n").utf8)
        lock.withLock {
            handle.write(data)
            events.append(event)
        }
    }

    public var snapshot: [WorkerEvent] { lock.withLock { events } }

    public func close() {
        lock.withLock { try? handle.close() }
    }
}
