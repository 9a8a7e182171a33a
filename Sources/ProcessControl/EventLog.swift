import Foundation
import Model
import Pipeline

/// Appends every event to `events.jsonl` as it arrives and folds it into the run's accumulator;
/// it keeps no events itself.
///
/// A worker's line is written as the worker sent it with the coordinator's worker number spliced
/// in (re-encoded only if it already names a worker); a line that is not
/// an event is kept too, as a `malformed_line` event carrying the raw text, so nothing is lost.
/// Lines are buffered and written in blocks (a write per line would cost more than the parsing):
/// the buffer is written when it fills, on `flush()` (the coordinator calls it every 100 ms and
/// when a worker's output ends), for every event of the coordinator's own, and on `close()`.
public final class EventLog: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private let accumulator: any EventFolding
    private var buffer: [UInt8] = []
    static let bufferLimit = 256 * 1024

    public init(url: URL, accumulator: any EventFolding) throws {
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ChildProcessError("\(url.path): cannot create the event log") }
        self.accumulator = accumulator
        buffer.reserveCapacity(Self.bufferLimit + 4096)
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
        lock.withLock {
            buffer.append(contentsOf: "{\"worker\":\(worker),".utf8)
            let copied: Void? = line.utf8.dropFirst().withContiguousStorageIfAvailable { buffer.append(contentsOf: $0) }
            if copied == nil { buffer.append(contentsOf: line.utf8.dropFirst()) }
            buffer.append(UInt8(ascii: "\n"))
            accumulator.fold(event)
            if buffer.count >= Self.bufferLimit { writeBuffer() }
        }
        return event
    }

    /// Logs one of the coordinator's own events, written at once.
    public func record(_ event: WorkerEvent) {
        let line = event.jsonLine()
        lock.withLock {
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
            accumulator.fold(event)
            writeBuffer()
        }
    }

    /// Whether `invocation` has finished, by the events logged so far.
    public func hasFinished(invocation: Int) -> Bool {
        lock.withLock { accumulator.hasFinished(invocation: invocation) }
    }

    /// Writes what is buffered.
    public func flush() { lock.withLock { writeBuffer() } }

    public func close() {
        lock.withLock {
            writeBuffer()
            if fd >= 0 { Glibc.close(fd) }
        }
    }

    /// Called with the lock held.
    private func writeBuffer() {
        var written = 0
        buffer.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0, errno == EINTR { continue }
                // A full disk or a closed descriptor: the events still reach the analysis.
                guard n > 0 else { break }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
