import Foundation
import Model

/// A large log is read and parsed on a second thread while this one splits the parsed lines into
/// runs: the two halves of the work overlap, so a 100 MB log takes about the time of the slower
/// half, not of both (docs/logs.md). Memory stays bounded: at most `LineBatchHandoff.capacity`
/// batches of `batchLines` parsed lines wait between the two.
extension LogFileTimeline {
    /// Files from this size on are split in two stages; smaller ones (and logs in memory, which
    /// the fuzzer times on one thread) are split on the caller's thread alone.
    static let pipelineBytes = 8 << 20
    static let batchLines = 4096

    static func splitPipelined(_ reader: LineReader, name: String, limits: LogLimits) throws -> LogFileTimeline {
        let handoff = LineBatchHandoff()
        // The reader moves to the producer thread: only that thread calls it from now on.
        let moved = MovedReader(reader: reader)
        let producer = Thread {
            let reader = moved.reader
            var parser = StructlogLineParser()
            var batch: [ParsedLine] = []
            batch.reserveCapacity(batchLines)
            do {
                let summary = try reader.forEachLine { raw in
                    batch.append(ParsedLine(line: parser.parse(raw.bytes, number: raw.number), cutFrom: raw.cutFrom))
                    if batch.count == batchLines {
                        guard handoff.put(batch) else { throw LineBatchHandoff.Abandoned() }
                        batch = []
                        batch.reserveCapacity(batchLines)
                    }
                }
                _ = handoff.put(batch)
                handoff.finish(.success(summary))
            } catch {
                handoff.finish(.failure(error))
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { handoff.abandon() }  // a consumer that throws must not leave the producer blocked
        var state = SplitState(limits: limits)
        while let batch = handoff.take() {
            for parsed in batch { state.consume(parsed.line, cutFrom: parsed.cutFrom) }
        }
        return state.finish(try handoff.result(), name: name)
    }
}

/// A reader handed to the thread that alone uses it from then on.
private struct MovedReader: @unchecked Sendable {
    let reader: LineReader
}

/// One parsed line, and how long it really was when it was cut.
struct ParsedLine: Sendable {
    var line: LogLine
    var cutFrom: Int?
}

/// Batches of parsed lines from the reading thread to the splitting one: a bounded queue.
final class LineBatchHandoff: @unchecked Sendable {
    struct Abandoned: Error {}
    static let capacity = 4
    private let condition = NSCondition()
    private var batches: [[ParsedLine]] = []
    private var outcome: Result<LineReader.Summary, any Error>?
    private var abandoned = false

    /// Waits for room; false when the consumer has gone.
    func put(_ batch: [ParsedLine]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.capacity && !abandoned { condition.wait() }
        if abandoned { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    func finish(_ result: Result<LineReader.Summary, any Error>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the producer has finished and every batch was taken.
    func take() -> [ParsedLine]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && outcome == nil { condition.wait() }
        if batches.isEmpty { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The producer's summary, or the error that stopped it.
    func result() throws -> LineReader.Summary {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return try outcome!.get()
    }

    func abandon() {
        condition.lock()
        abandoned = true
        condition.broadcast()
        condition.unlock()
    }
}
