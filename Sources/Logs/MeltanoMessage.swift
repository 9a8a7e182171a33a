import Foundation
import Model

/// The structlog lines `RunSplitter` acts on, recognised by the text Meltano (and the Singer SDK)
/// print for them; every other line is `.other`.
enum MeltanoMessage: Equatable {
    /// `Environment 'dev' is active`: a process begins.
    case environmentActive(String)
    /// `Installed 3/3 plugins` or `Skipped installing 3/4 plugins`: the install step's summary.
    case installSummary
    /// Meltano 4: `Running job with name 'dev:tap-to-target' and run ID '...'`, just before the
    /// stale-job check.
    case runningJob(name: String, runID: String?)
    /// `Force option is enabled, ignoring stale job check.`
    case forceOption
    /// `Using systemdb state backend` (Meltano ≥ 3.7).
    case stateBackend
    /// `Reader '...' completed processing N lines of input (...)`, from a plugin.
    /// Boxed: the largest payload by far, and every line's message is made and passed on.
    indirect case readerDone(ReaderCounts)
    /// `Incremental state has been updated at ...`
    case incrementalState
    /// `Block run completed.` with its `success=` and `err=` keys.
    case blockCompleted(success: Bool?, err: String?)
    /// `meltano el`: `Running extract & load...`
    case extractLoadStarted
    /// `meltano el`: `Extract & load complete!`
    case extractLoadComplete
    /// A failure Meltano reports in its own words.
    case failure(String)
    case other

    init(_ line: borrowing LogLine) {
        let event = line.event
        if line.plugin != nil {
            // A plugin's line: only the SDK's Reader summary matters.
            if line.eventContains("completed processing"), let counts = ReaderCounts(event: event, line: line) {
                self = .readerDone(counts)
            } else {
                self = .other
            }
            return
        }
        if event.hasBytePrefix("Environment '") && event.hasByteSuffix("' is active") {
            self = .environmentActive(Self.dropping(event, first: 13, last: 11))
        } else if event.hasBytePrefix("Running job with name '"), let job = Self.runningJob(event) {
            self = .runningJob(name: job.0, runID: job.1)
        } else if event.hasBytePrefix("Force option is enabled") {
            self = .forceOption
        } else if (event.hasBytePrefix("Installed ") || event.hasBytePrefix("Skipped installing "))
            && event.hasByteSuffix(" plugins")
        {
            self = .installSummary
        } else if event == "Using systemdb state backend" {
            self = .stateBackend
        } else if event.hasBytePrefix("Incremental state has been updated") {
            self = .incrementalState
        } else if event.hasBytePrefix("Block run completed") {
            self = .blockCompleted(success: line.fields.bool("success"), err: line.fields["err"])
        } else if event.hasBytePrefix("Running extract & load") {
            self = .extractLoadStarted
        } else if event.hasBytePrefix("Extract & load complete") {
            self = .extractLoadComplete
        } else if let failure = Self.failure(in: event) {
            self = .failure(failure)
        } else if line.eventContains("completed processing"), let counts = ReaderCounts(event: event, line: line) {
            self = .readerDone(counts)
        } else {
            self = .other
        }
    }

    /// Whether the line shows a process is under way (anything but `.other`): outside a process,
    /// such a line opens one whose start is not in the log; an `.other` line does not.
    var showsAProcess: Bool { self != .other }

    /// `event` without its first and last characters, counted in bytes when the event is ASCII
    /// (then a character is a byte) rather than stepping over characters (grapheme clusters).
    static func dropping(_ event: String, first: Int, last: Int) -> String {
        var event = event
        let ascii: String? = event.withUTF8 { bytes in
            guard ByteWord.isASCII(bytes) else { return nil }
            guard bytes.count >= first + last else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<(bytes.count - last)]), as: UTF8.self)
        }
        return ascii ?? String(event.dropFirst(first).dropLast(last))
    }

    static func runningJob(_ event: String) -> (String, String?)? {
        // Running job with name ' NAME ' and run ID ' ID ', cut at the quotes' bytes (a job name
        // can be hundreds of characters, not all ASCII; an ASCII byte is never inside one). The
        // names are slices of the event, which is valid already: not validated again.
        var bytes = event
        let quotes = bytes.withUTF8 { bytes in
            var quotes: [Int] = []
            quotes.reserveCapacity(4)
            while quotes.count < 4,
                let quote = ByteSearch.firstIndex(of: 0x27, in: bytes, from: (quotes.last ?? -1) + 1, to: bytes.count)
            {
                quotes.append(quote)
            }
            return quotes
        }
        guard quotes.count >= 2 else { return nil }
        func text(_ from: Int, _ to: Int) -> String {
            let utf8 = event.utf8
            return String(
                event[utf8.index(utf8.startIndex, offsetBy: from + 1)..<utf8.index(utf8.startIndex, offsetBy: to)])
        }
        return (text(quotes[0], quotes[1]), quotes.count == 4 ? text(quotes[2], quotes[3]) : nil)
    }

    /// The release in Meltano's debug line `Meltano 3.6.0, Python 3.11.7, Linux (x86_64)`: `3.6.0`.
    static func release(in event: String) -> String? {
        guard event.hasBytePrefix("Meltano "), let comma = event.firstIndex(of: ",") else { return nil }
        let version = event[event.index(event.startIndex, offsetBy: 8)..<comma]
        guard version.first?.isNumber == true, event[comma...].hasBytePrefix(", Python ") else { return nil }
        return String(version)
    }

    /// Meltano's own failure texts: `meltano el`'s `Extraction failed` / `Loading failed` /
    /// `Transformation failed`, and click's `Run invocation could not be completed as block failed: ...`
    /// (printed without a timestamp, so it reaches here as a plain line).
    static func failure(in text: String) -> String? {
        var bytes = text
        return bytes.withUTF8 { isFailure($0) } ? text : nil
    }

    /// Whether a plain line's bytes begin with one of Meltano's failure texts.
    static func isFailure(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        failurePrefixes.contains(where: { line.hasBytePrefix($0) })
    }

    static let failurePrefixes: [StaticString] = [
        "Run invocation could not be completed", "Extraction failed", "Loading failed", "Transformation failed",
        "Extractor failed", "Loader failed", "Mappers failed", "Extractor and loader failed",
    ]
}

extension ReaderCounts {
    /// Parses the Singer SDK's `Reader 'NAME' completed processing N lines of input (S schemas,
    /// R records, B batch manifests, M state messages, A activate version messages)`; older SDKs
    /// print fewer items, which stay nil. Reads bytes: this runs on every such line of a 100 MB log.
    init?(event: String, line: borrowing LogLine) {
        var text = event
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
        plugin = line.fields["name"]
        role = PluginRole(fields: line.fields)
        self.line = line.number
    }

    /// The item labels the SDK prints, singular and plural, and the count each sets.
    private static let labels: [(StaticString, StaticString)] = [
        ("schemas", "schema"), ("records", "record"), ("batch manifests", "batch manifest"),
        ("state messages", "state message"), ("activate version messages", "activate version message"),
    ]

    /// Sets the count of the label at `index` in `labels`.
    private mutating func set(label index: Int, _ n: Int) {
        switch index {
        case 0: schemas = n
        case 1: records = n
        case 2: batchManifests = n
        case 3: stateMessages = n
        default: activateVersionMessages = n
        }
    }

    /// The counts of a `Reader` line's bytes (its plugin, role and line are the caller's), read
    /// in place: the labels are compared as bytes, not made into strings.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ReaderCounts? {
        let open: StaticString = "Reader '"
        let middle: StaticString = "' completed processing "
        guard let start = open.withUTF8Buffer({ ByteSearch.find($0, in: bytes) }) else { return nil }
        let nameStart = start + open.utf8CodeUnitCount
        guard let quote = ByteSearch.firstIndex(of: 0x27, in: bytes, from: nameStart, to: bytes.count),
            middle.withUTF8Buffer({ ByteSearch.find($0, in: bytes, from: quote) }) == quote
        else { return nil }
        var i = quote + middle.utf8CodeUnitCount
        func number() -> Int? {
            var value = 0
            var digits = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 18 {
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        guard let total = number() else { return nil }
        let reader = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<quote]), as: UTF8.self)
        var counts = ReaderCounts(reader: reader, plugin: nil, role: nil, line: 0, lines: total)
        guard let paren = ByteSearch.firstIndex(of: 0x28, in: bytes, from: i, to: bytes.count),
            let close = ByteSearch.firstIndex(of: 0x29, in: bytes, from: paren, to: bytes.count)
        else { return counts }
        i = paren + 1
        while i < close {
            while i < close, bytes[i] == 0x20 || bytes[i] == 0x2C { i += 1 }
            guard let n = number(), i < close, bytes[i] == 0x20 else { break }
            let labelStart = i + 1
            let labelEnd = ByteSearch.firstIndex(of: 0x2C, in: bytes, from: labelStart, to: close) ?? close
            let label = UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd])
            if let index = labels.firstIndex(where: { equal(label, $0.0) || equal(label, $0.1) }) {
                counts.set(label: index, n)
            }
            i = labelEnd
        }
        return counts
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { bytes.elementsEqual($0) }
    }
}

/// A task runner's own (plain) lines that mean the Meltano process before them has ended.
enum TaskRunnerLine: Equatable {
    /// A shell echo of the next command: `meltano run -f tap mapper target ...` (also after `+ ` or `$ `).
    case command(String, RunKind)
    /// `Executing Inline stage`, `Exit code 0 from Inline stage`, `End: <id>`.
    case stage
    /// Neither.
    case none

    /// meltano's global options that take their value as the next word.
    static let optionsWithValue: [StaticString] = [
        "--environment", "-e", "--log-level", "--log-config", "--log-format", "--cwd",
    ]

    /// Classifies a plain line's bytes; only a command echo is made into a `String`.
    init(_ line: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < line.count, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        var body = UnsafeBufferPointer(rebasing: line[start...])
        if body.hasBytePrefix("+ ") || body.hasBytePrefix("$ ") { body = UnsafeBufferPointer(rebasing: body[2...]) }
        // Every text below begins with `m` or `E`: most plain lines end here.
        guard let first = body.first, first == 0x6D || first == 0x45 else {
            self = .none
            return
        }
        if body.hasBytePrefix("meltano "), let command = Self.command(UTF8Validation.string(body)) {
            self = command
        } else if (body.hasBytePrefix("Executing ") && body.hasByteSuffix(" stage"))
            || (body.hasBytePrefix("Exit code ") && body.hasByteSuffix(" stage")) || body.hasBytePrefix("End: ")
        {
            self = .stage
        } else {
            self = .none
        }
    }

    /// Classifies a line of text (tests).
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { TaskRunnerLine($0) }
    }

    /// `meltano [options] run|el|elt ...`: the first word that is neither an option nor an
    /// option's value is the subcommand.
    private static func command(_ body: String) -> TaskRunnerLine? {
        var text = body
        return text.withUTF8 { subcommand(of: $0) }.map { .command(body, $0) }
    }

    /// The words are read at the space's byte, not between characters, and only up to the
    /// subcommand: an echoed command can be long and not ASCII, and an ASCII byte is never inside
    /// another character's bytes.
    private static func subcommand(of line: UnsafeBufferPointer<UInt8>) -> RunKind? {
        var i = 0
        var wordsBefore = 1  // `meltano`, then an option's value
        while i < line.count {
            while i < line.count && line[i] == 0x20 { i += 1 }
            let start = i
            while i < line.count && line[i] != 0x20 { i += 1 }
            guard start < i else { break }
            let word = UnsafeBufferPointer(rebasing: line[start..<i])
            if wordsBefore > 0 {
                wordsBefore -= 1
            } else if word[0] == 0x2D {  // `-`: an option, perhaps with its value next
                wordsBefore = optionsWithValue.contains(where: { word.isBytes($0) }) ? 1 : 0
            } else {
                return word.isBytes("run") ? .run : word.isBytes("el") || word.isBytes("elt") ? .el : nil
            }
        }
        return nil
    }
}
