import Foundation
import Model
import Testing

/// The fast decoder reads every field by hand: a field added to an event struct and forgotten
/// there would make every line fall back to `JSONDecoder`, about 20× slower, without a word.
/// These tests fail instead.
@Suite struct EventDecoderDriftTests {
    /// Distinct non-default values, so a field read into the wrong property shows.
    struct Distinct {
        var next = 0
        mutating func int() -> Int {
            next += 1
            return next
        }
        mutating func uint64() -> UInt64 { UInt64(int()) }
        mutating func text() -> String { "text-\(int())" }
    }

    /// An event with every stored property of every struct the fast decoder reads set away from
    /// its default (checked by `unsetFields`): add a field, and this must set it.
    static func everyFieldSet() -> WorkerEvent {
        var d = Distinct()
        func causes() -> CauseCounts {
            var c = CauseCounts()
            (c.serverError, c.timeout, c.reset, c.connect, c.other) = (d.int(), d.int(), d.int(), d.int(), d.int())
            return c
        }
        var discovery = DiscoveryCounters()
        (discovery.lookups, discovery.backendsCalls, discovery.addonObjects, discovery.groupsTouched) =
            (d.int(), d.int(), d.int(), d.int())
        (discovery.scans, discovery.persistentHits, discovery.persistentMisses, discovery.validationStats) =
            (d.int(), d.int(), d.int(), d.int())
        (discovery.persistentCorrupt, discovery.persistentWritesSkipped) = (d.int(), d.int())
        var storage = StorageCounters()
        (storage.statements, storage.transactions, storage.busyWaits, storage.busyWaitNs) =
            (d.int(), d.int(), d.int(), d.uint64())
        (storage.retries, storage.lockWaits, storage.connectionErrors) = (d.int(), d.int(), d.int())
        storage.latency = LatencyBuckets(counts: [d.int(), d.int()])
        var http = HTTPCounters()
        (http.calls, http.requests, http.retries, http.failures) = (d.int(), d.int(), causes(), causes())
        (http.bytesSent, http.bytesReceived, http.backoffMicroseconds) = (d.int(), d.int(), d.uint64())
        (http.connectionsOpened, http.latencyMicroseconds) = (d.int(), [UInt32(d.int()), UInt32(d.int())])
        var outcome = InvocationOutcome(
            succeeded: true, discovery: discovery, storage: storage, heartbeats: d.int(), jobOverlap: true,
            stateWrites: d.int(), errorPaths: d.int(), wallNs: d.uint64(),
            coldCache: PageEviction(files: d.int(), failed: d.int(), residentPages: d.int(), sampledPages: d.int()),
            http: [.pages: http], failure: d.text(),
            lastStateWrite: LastStateWrite(stateID: d.text(), sequence: d.int(), document: d.text()))
        outcome.failureCause = .databaseLocked
        outcome.cpuNs = d.uint64()
        var phase = PhaseRecord(
            phase: .stateWrites, provenance: .sampled, units: d.int(), productionUnits: d.int(), nativeNs: d.uint64(),
            modelledNs: d.uint64(), scans: d.int(), scanModelledNs: d.uint64())
        phase.lockWaitNs = d.uint64()
        var event = WorkerEvent(.invocationFinished, invocation: d.int(), variant: d.text())
        event.time = 1_712_345_678.25
        (event.pid, event.worker, event.job, event.exitStatus, event.detail) =
            (Int32(d.int()), d.int(), d.text(), Int32(d.int()), d.text())
        event.phase = phase
        event.errorPath = ErrorPathRecord(
            initialization: d.int(), scheme: d.text(), message: d.text(), backendsCalls: d.int())
        event.outcome = outcome
        event.monotonicNs = d.uint64()
        return event
    }

    /// Paths of the stored properties still at a default: nil, zero, false, empty. Enums cannot be
    /// told from their defaults here; a new non-optional one is always written, so the fast
    /// decoder meets it anyway.
    static func unsetFields(_ value: Any, path: String = "event") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return [path + " (nil)"] }
            return unsetFields(wrapped, path: path)
        case .collection, .dictionary, .set:
            guard !mirror.children.isEmpty else { return [path + " (empty)"] }
            return mirror.children.flatMap { unsetFields($0.value, path: path + "[]") }
        case .struct, .class, .tuple:
            return mirror.children.flatMap { unsetFields($0.value, path: path + "." + ($0.label ?? "?")) }
        case .enum:
            return []
        default:
            switch value {
            case let v as Bool: return v ? [] : [path + " (false)"]
            case let v as String: return v.isEmpty ? [path + " (empty)"] : []
            case let v as Int: return v == 0 ? [path + " (0)"] : []
            case let v as Int32: return v == 0 ? [path + " (0)"] : []
            case let v as UInt32: return v == 0 ? [path + " (0)"] : []
            case let v as UInt64: return v == 0 ? [path + " (0)"] : []
            case let v as Double: return v == 0 ? [path + " (0)"] : []
            default: return [path + " (\(type(of: value)): teach unsetFields this type)"]
            }
        }
    }

    @Test func theFullEventSetsEveryStoredProperty() {
        #expect(Self.unsetFields(Self.everyFieldSet()) == [], "set the new field in everyFieldSet()")
    }

    /// Encoded as workers write it, the full event is read by the fast decoder, not left to `JSONDecoder`, and read back whole.
    @Test func theFastDecoderReadsEveryField() throws {
        let event = Self.everyFieldSet()
        var line = event.jsonLine()
        #expect(line == String(decoding: try WorkerEvent.encoder.encode(event), as: UTF8.self))
        let result = line.withUTF8 { EventLineDecoder.recognize(UnsafeRawBufferPointer($0)) }
        let decoded: WorkerEvent
        switch result {
        case .success(let read): decoded = read
        case .failure(let reason):
            Issue.record("the fast decoder fell back to JSONDecoder (\(reason)): add the field to EventLineDecoder")
            return
        }
        #expect(decoded.outcome == event.outcome)
        #expect(decoded.phase == event.phase)
        #expect(decoded.errorPath == event.errorPath)
        #expect(decoded.jsonLine() == line)
    }

    /// A key the fast decoder does not know is named, with the object it was in.
    @Test func aFallbackSaysWhichKeyCausedIt() throws {
        let line = Self.everyFieldSet().jsonLine().replacingOccurrences(
            of: "\"lock_waits\":", with: "\"new_counter\":0,\"lock_waits\":")
        var copy = line
        let result = copy.withUTF8 { EventLineDecoder.recognize(UnsafeRawBufferPointer($0)) }
        guard case .failure(let reason) = result else {
            Issue.record("an unknown key was read: \(line)")
            return
        }
        #expect(reason.key == "new_counter" && reason.object == "storage")
        #expect(WorkerEvent.parse(Substring(line)) != nil, "JSONDecoder still reads it (unknown keys are ignored)")
    }
}
