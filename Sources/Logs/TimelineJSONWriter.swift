import Model

/// Writes a run of `simulate-timeline/1` as the bytes `JSONEncoder` gives `TimelineDocument.Run`
/// (pretty-printed, keys sorted by their bytes, snake_case, slashes unescaped), without the
/// encoder: it spent about a hundred microseconds a run building and sorting a tree, and a
/// timeline keeps up to 20,000 runs. `TimelineJSONWriterTests` holds both to the same bytes.
struct TimelineJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Nesting depth (two spaces each) and, per open container, how many members it has so far.
    private var depth: Int
    private var counts: [Int] = []

    /// A writer whose first container opens at `depth` (two spaces each).
    init(depth: Int) { self.depth = depth }

    mutating func append(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }

    mutating func append(bytes more: some Collection<UInt8>) { bytes.append(contentsOf: more) }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
    }

    /// A run object, preceded by its indentation.
    mutating func run(_ r: RunTimeline) throws {
        indent()
        open(0x7B)
        key("boundaries")
        open(0x7B)
        for boundary in Self.boundaryOrder {
            key(boundary.rawValue)
            if let mark = r.boundaries[boundary] { self.mark(mark) } else { null() }
        }
        close(0x7D)
        key("command")
        string(r.command)
        key("ended_at")
        string(r.endedAt?.description)
        key("environment")
        string(r.environment)
        key("error_line_count")
        int(r.errorLineCount)
        key("error_lines")
        open(0x5B)
        for line in r.errorLines {
            element()
            int(line)
        }
        close(0x5D)
        key("first_line")
        int(r.firstLine)
        key("index")
        int(r.index)
        key("job")
        string(r.pairingKey)
        key("kind")
        string(r.kind.rawValue)
        key("last_line")
        int(r.lastLine)
        key("mappers")
        open(0x5B)
        for mapper in r.mappers {
            element()
            string(mapper)
        }
        close(0x5D)
        key("notes")
        open(0x5B)
        for note in r.notes { diagnostic(note) }
        close(0x5D)
        key("phase_reasons")
        open(0x7B)
        for phase in Self.phaseOrder {
            guard let reason = r.phases.first(where: { $0.phase == phase })?.reason else { continue }
            key(phase.rawValue)
            string(reason)
        }
        close(0x7D)
        key("phases")
        open(0x7B)
        for phase in Self.phaseOrder {
            guard let duration = r.phases.first(where: { $0.phase == phase }) else { continue }
            key(phase.rawValue)
            try double(duration.seconds)
        }
        close(0x7D)
        key("readers")
        open(0x5B)
        for reader in r.readers { self.reader(reader) }
        close(0x5D)
        key("records")
        int(r.records)
        key("run_id")
        string(r.runID)
        key("started_at")
        string(r.startedAt?.description)
        key("state_backend_lines")
        open(0x5B)
        for mark in r.stateBackendLines {
            element()
            self.mark(mark)
        }
        close(0x5D)
        key("state_messages")
        int(r.stateMessages)
        key("status")
        string(r.status.rawValue)
        key("status_reason")
        string(r.statusReason)
        key("tap")
        string(r.tap)
        key("target")
        string(r.target)
        key("total_reason")
        string(r.totalReason)
        key("total_seconds")
        try double(r.totalSeconds)
        close(0x7D)
    }

    /// Dictionary keys in the encoder's order: by their bytes.
    static let boundaryOrder = LogBoundary.allCases.sorted { byteOrder($0.rawValue, $1.rawValue) }
    static let phaseOrder = LogPhase.allCases.sorted { byteOrder($0.rawValue, $1.rawValue) }

    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: - Members the encoder synthesizes (an absent optional is left out, not null)

    private mutating func mark(_ m: LineMark) {
        open(0x7B)
        if let at = m.timestamp {
            key("at")
            string(at.description)
        }
        key("line")
        int(m.line)
        key("text")
        string(m.text)
        close(0x7D)
    }

    private mutating func diagnostic(_ d: LogDiagnostic) {
        element()
        open(0x7B)
        if let line = d.line {
            key("line")
            int(line)
        }
        key("message")
        string(d.message)
        close(0x7D)
    }

    private mutating func reader(_ c: ReaderCounts) {
        element()
        open(0x7B)
        optionalInt("activate_version_messages", c.activateVersionMessages)
        optionalInt("batch_manifests", c.batchManifests)
        key("line")
        int(c.line)
        key("lines")
        int(c.lines)
        if let plugin = c.plugin {
            key("plugin")
            string(plugin)
        }
        key("reader")
        string(c.reader)
        optionalInt("records", c.records)
        if let role = c.role {
            key("role")
            string(role.rawValue)
        }
        optionalInt("schemas", c.schemas)
        optionalInt("state_messages", c.stateMessages)
        close(0x7D)
    }

    private mutating func optionalInt(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    // MARK: - Layout: `{` or `[`, a newline, members at two more spaces joined by `,\n`, a newline and the closer

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(0x0A)
        depth += 1
        counts.append(0)
    }

    private mutating func close(_ bracket: UInt8) {
        counts.removeLast()
        depth -= 1
        bytes.append(0x0A)
        indent()
        bytes.append(bracket)
    }

    /// Before each member: the comma after the one before, and the indentation.
    private mutating func element() {
        if counts[counts.count - 1] > 0 {
            bytes.append(0x2C)
            bytes.append(0x0A)
        }
        counts[counts.count - 1] += 1
        indent()
    }

    private mutating func key(_ name: StaticString) {
        element()
        bytes.append(0x22)
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        append("\" : ")
    }

    private mutating func key(_ name: String) {
        element()
        string(name)
        append(" : ")
    }

    private mutating func indent() {
        // From a ready row of spaces: a run writes about a hundred indentations.
        var left = 2 * depth
        while left > 0 {
            let n = min(left, Self.spaces.count)
            Self.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<n])) }
            left -= n
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 32)

    // MARK: - Values

    private mutating func null() { append("null") }

    private mutating func int(_ value: Int?) {
        guard let value else { return null() }
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As the encoder writes a `Double`: its `description` without a trailing `.0`. It refuses
    /// a value that is not finite, and so does this.
    private mutating func double(_ value: Double?) throws {
        guard let value else { return null() }
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "not a finite number"))
        }
        let text = value.description
        bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
    }

    /// Whether a byte is below 0x20, `"` or `\\`: eight bytes at a time (notes and reasons are long texts).
    static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i + 8 <= utf8.count {
            let word = ByteWord.load(utf8, at: i)
            if ByteWord.containsByte(below: 0x20, word) || ByteWord.contains(word, 0x22)
                || ByteWord.contains(word, 0x5C)
            {
                return true
            }
            i += 8
        }
        while i < utf8.count {
            let byte = utf8[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            i += 1
        }
        return false
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Quoted, escaped as the encoder escapes: `"` and `\`, `\b \t \n \f \r`, other controls
    /// below 0x20 as `\u00xx`; everything else (`/`, DEL, any non-ASCII character) as it is.
    private mutating func string(_ text: String?) {
        guard var text else { return null() }
        bytes.append(0x22)
        let plain = text.withUTF8 { utf8 in
            guard !Self.needsEscape(utf8) else { return false }
            bytes.append(contentsOf: utf8)  // nothing to escape: the bytes as they are
            return true
        }
        if plain {
            bytes.append(0x22)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, 0x62])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0C: bytes.append(contentsOf: [0x5C, 0x66])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
