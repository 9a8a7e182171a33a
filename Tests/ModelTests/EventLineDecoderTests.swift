import Foundation
import Model
import Testing

/// Random events of every kind, with every optional field sometimes present, strings with escapes
/// and non-ASCII text, and numbers at their types' edges.
struct EventGenerator {
    var rng: SeededRandom

    mutating func bool() -> Bool { rng.next() & 1 == 0 }
    mutating func pick<T>(_ xs: [T]) -> T { xs[rng.nextInt(below: xs.count)] }

    mutating func int() -> Int {
        pick([0, 1, -1, 7, 1_000_000, Int.max, Int.min, Int(Int32.max) + 1, rng.nextInt(below: 1 << 40)])
    }
    mutating func uint64() -> UInt64 { pick([0, 1, UInt64.max, UInt64(Int64.max), UInt64(Int64.max) + 1, rng.next()]) }
    mutating func int32() -> Int32 { pick([0, 1, -1, Int32.max, Int32.min, 137]) }

    mutating func double() -> Double {
        pick([
            0, 1, -1, 0.1, 1e-7, 1.5e-300, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude,
            -Double.leastNormalMagnitude,
            1_712_345_678.123456, 1e21, 123_456_789_012_345_680, Double(rng.next() >> 11) / 1e6,
            Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF),
        ])
    }

    mutating func string() -> String {
        pick([
            "", "plain", "quote \" and backslash \\ and slash /", "tab\tnewline\nreturn\rfeed\u{0C}back\u{08}",
            "control \u{01}\u{1F}\u{7F}", "unicode é ü 日本語 😀 \u{10FFFF}", "nul \u{0}", "<script>&amp;</script>",
            String(repeating: "long ", count: 200), "s3://bucket/path", "'gcs' is not a valid StateBackend",
        ])
    }

    mutating func phase() -> PhaseRecord {
        PhaseRecord(
            phase: pick(Phase.allCases), provenance: pick([.measured, .sampled, .assumed]), units: int(),
            productionUnits: int(), nativeNs: uint64(), modelledNs: uint64(), scans: int(), scanModelledNs: uint64())
    }

    mutating func causes() -> CauseCounts {
        var c = CauseCounts()
        (c.serverError, c.timeout, c.reset, c.connect, c.other) = (int(), int(), int(), int(), int())
        return c
    }

    mutating func http() -> HTTPCounters {
        var h = HTTPCounters()
        (h.calls, h.requests, h.bytesSent, h.bytesReceived, h.connectionsOpened) = (int(), int(), int(), int(), int())
        (h.retries, h.failures, h.backoffMicroseconds) = (causes(), causes(), uint64())
        h.latencyMicroseconds = (0..<rng.nextInt(below: 4)).map { _ in
            pick([0, 1, UInt32.max, UInt32(rng.next() >> 40)])
        }
        return h
    }

    mutating func outcome() -> InvocationOutcome {
        var d = DiscoveryCounters()
        (d.lookups, d.backendsCalls, d.addonObjects, d.groupsTouched, d.scans) = (int(), int(), int(), int(), int())
        (d.persistentHits, d.persistentMisses, d.validationStats) = (int(), int(), int())
        (d.persistentCorrupt, d.persistentWritesSkipped) = (int(), int())
        var s = StorageCounters()
        (s.statements, s.transactions, s.busyWaits, s.busyWaitNs, s.retries, s.lockWaits) =
            (int(), int(), int(), uint64(), int(), int())
        var o = InvocationOutcome(
            succeeded: bool(), discovery: d, storage: s, heartbeats: int(), jobOverlap: bool(), stateWrites: int(),
            errorPaths: int(), wallNs: uint64())
        if bool() { o.coldCache = PageEviction(files: int(), failed: int(), residentPages: int(), sampledPages: int()) }
        if bool() {
            o.http = [:]
            for _ in 0..<rng.nextInt(below: 3) { o.http![pick(Phase.allCases)] = http() }
        }
        if bool() { o.failure = string() }
        if bool() { o.lastStateWrite = LastStateWrite(stateID: string(), sequence: int(), document: string()) }
        return o
    }

    mutating func event() -> WorkerEvent {
        let kinds: [WorkerEvent.Kind] = [
            .workerStarted, .invocationStarted, .phase, .errorPath, .invocationFinished, .workerFinished, .workerExited,
            .workerTimeout, .malformedLine, .invocationLost, .runInterrupted,
        ]
        var e = WorkerEvent(pick(kinds))
        e.time = double()
        if bool() { e.pid = int32() }
        if bool() { e.worker = int() }
        if bool() { e.invocation = int() }
        if bool() { e.variant = string() }
        if bool() { e.job = string() }
        if bool() { e.phase = phase() }
        if bool() {
            e.errorPath = ErrorPathRecord(
                initialization: int(), scheme: string(), message: string(), backendsCalls: int())
        }
        if bool() { e.outcome = outcome() }
        if bool() { e.exitStatus = int32() }
        if bool() { e.detail = string() }
        return e
    }
}

func slow(_ line: String) -> WorkerEvent? { try? WorkerEvent.decoder.decode(WorkerEvent.self, from: Data(line.utf8)) }

func fast(_ line: String) -> WorkerEvent? {
    var copy = line
    return copy.withUTF8 { EventLineDecoder.decode(UnsafeRawBufferPointer($0)) }
}

@Suite struct EventLineDecoderTests {
    /// Every line `jsonLine()` writes is read by the fast decoder, to the same event JSONDecoder reads.
    @Test func agreesWithJSONDecoderOnGeneratedEvents() {
        var generator = EventGenerator(rng: SeededRandom(seed: 7))
        for _ in 0..<5_000 {
            let line = generator.event().jsonLine()
            let reference = slow(line)
            let decoded = fast(line)
            #expect(reference != nil, "JSONDecoder reads its own encoder's line: \(line)")
            #expect(decoded != nil, "not recognised: \(line)")
            #expect(decoded?.jsonLine() == reference?.jsonLine(), "\(line)")
        }
    }

    /// What the coordinator writes: the worker number spliced in front of the worker's keys.
    @Test func readsSplicedLines() throws {
        var e = WorkerEvent(.phase, invocation: 3, variant: "v")
        e.phase = PhaseRecord(
            phase: .settings, provenance: .measured, units: 1, productionUnits: 1, nativeNs: 5, modelledNs: 9)
        let line = "{\"worker\":4," + e.jsonLine().dropFirst()
        let decoded = try #require(fast(line))
        #expect(decoded.worker == 4 && decoded.phase == e.phase && decoded.invocation == 3)
    }

    /// Lines outside the fast decoder's subset go to JSONDecoder, so `parse` gives what JSONDecoder gives.
    @Test func leavesTheRestToJSONDecoder() {
        let lines = [
            #"{"event":"phase","time":1,"unknown":2}"#,
            #"{"event":"phase","time":1,"time":2}"#,
            #"{"event":"worker_started","time":1,"invocation":2.0}"#,
            #"{"event":"worker_started","time":1,"invocation":2e0}"#,
            #"{"event":"worker_started","time":1,"invocation":-0}"#,
            #"{"event":"worker_started","time":1,"invocation":012}"#,
            #"{"event":"worker_started","time":1,"invocation":99999999999999999999}"#,
            #"{"event":"worker_started","time":1,"exitStatus":2}"#,
            #"{"event":"worker_started","time":1,"exit_status":2147483648}"#,
            #"{"event":"worker_started","time":1,"detail":"\ud800"}"#,
            #"{"event":"worker_started","time":1,"detail":"\ud83d\ude00 \u00e9"}"#,
            #"{"event":"worker_started","time":1,"det\u0061il":"x"}"#,
            "{\"event\":\"worker_started\",\"time\":1,\"detail\":\"a\tb\"}",
            #"{"event":"worker_started","time":1,"detail":null,"pid":null}"#,
            #" { "event" : "worker_started" , "time" : 1.5e3 } "#,
            #"{"event":"worker_started","time":1} x"#,
            #"{"event":"worker_started","time":1"#,
            #"{"event":"worker_started"}"#,
            #"{"event":"no_such_kind","time":1}"#,
            #"{"event":"worker_started","time":-}"#,
            #"{"event":"worker_started","time":1.}"#,
            #"{"event":"worker_started","time":0x10}"#,
            #"{"event":"worker_started","time":NaN}"#,
            #"{"event":"phase","time":1,"phase":{"phase":"settings","provenance":"measured","units":1}}"#,
            #"{"event":"invocation_finished","time":1,"outcome":{"http":{"state_lookup":{}}}}"#,
            "{\"event\":\"worker_started\",\"time\":1,\"detail\":\"\u{FF}\"}", "", "[]", "{}", "null",
        ]
        for line in lines {
            #expect(WorkerEvent.parse(Substring(line))?.jsonLine() == slow(line)?.jsonLine(), "\(line)")
            if let decoded = fast(line) { #expect(decoded.jsonLine() == slow(line)?.jsonLine(), "\(line)") }
        }
        // Invalid UTF-8 inside a string.
        var bytes = Array(#"{"event":"worker_started","time":1,"detail":"x"}"#.utf8)
        bytes[bytes.count - 3] = 0xFF
        let decoded = bytes.withUnsafeBytes { EventLineDecoder.decode($0) }
        #expect(decoded == nil)
    }
}
