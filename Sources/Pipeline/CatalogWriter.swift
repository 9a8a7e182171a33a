import Foundation
import Model

/// Writes a tap's discovered catalog to a file, line by line, as Meltano does during discovery.
///
/// `sync` writes each line into a buffered file, as 3.6.0 and 4.1+ do. `threadHop` hands every
/// line to a dedicated worker thread and waits for it, as the async file API of 3.7.0–4.0.x did
/// (`await file.write(line)` runs the write on a thread and resumes the caller): two real context
/// switches per line.
public final class CatalogWriter {
    public let mode: CatalogWriteMode
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private let hop: ThreadHopLineWriter?

    public init(path: String, mode: CatalogWriteMode) throws {
        guard let file = fopen(path, "w") else {
            throw PipelineError("\(path): cannot create catalog file (errno \(errno))")
        }
        self.path = path
        self.file = file
        self.mode = mode
        self.hop = mode == .threadHop ? ThreadHopLineWriter(file: file) : nil
    }

    /// Writes one line (which carries its own newline).
    public func write(_ line: String) {
        if let hop { hop.write(line) } else { fputs(line, file) }
    }

    /// Stops the hop thread, flushes, closes and removes the file; returns the bytes written.
    @discardableResult
    public func finish() -> Int {
        hop?.stop()
        fflush(file)
        let bytes = Int(ftell(file))
        fclose(file)
        unlink(path)
        return bytes
    }
}

/// A worker thread that performs each write while its caller waits: one hop there and back per line.
final class ThreadHopLineWriter: @unchecked Sendable {
    // Written by the caller before `request.signal()`, read by the thread after `request.wait()`:
    // the semaphores order every access, so no lock is needed.
    private let file: UnsafeMutablePointer<FILE>
    private var pending: String = ""
    private var stopping = false
    private let request = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
        let thread = Thread { [self] in self.loop() }
        thread.name = "catalog-write"
        thread.start()
    }

    func write(_ line: String) {
        pending = line
        request.signal()
        done.wait()
    }

    func stop() {
        stopping = true
        request.signal()
        done.wait()
    }

    private func loop() {
        while true {
            request.wait()
            if stopping {
                done.signal()
                return
            }
            fputs(pending, file)
            done.signal()
        }
    }
}

/// The lines of a Singer catalog as a tap prints it during discovery, deterministic per stream set.
public struct CatalogLines {
    let streams: Int

    public init(streams: Int) { self.streams = max(1, streams) }

    /// Line `i` of an endless pretty-printed catalog: streams of properties, realistic widths.
    public func line(_ i: Int) -> String {
        let perStream = 40
        let stream = (i / perStream) % streams
        let k = i % perStream
        switch k {
        case 0: return "    {\n"
        case 1: return "      \"tap_stream_id\": \"stream_\(stream)\",\n"
        case 2: return "      \"replication_method\": \"INCREMENTAL\",\n"
        case 3: return "      \"schema\": {\"type\": \"object\", \"properties\": {\n"
        case perStream - 2: return "      }},\n"
        case perStream - 1: return "    },\n"
        default:
            let kinds = [
                "\"string\"", "\"integer\"", "\"number\"", "\"boolean\"", "\"string\", \"format\": \"date-time\"",
            ]
            return "        \"field_\(stream)_\(k)\": {\"type\": [\"null\", \(kinds[(i &* 31) % kinds.count])]},\n"
        }
    }
}
