import Foundation

/// The outcome of `invocation_finished` and its nested counters, read the same strict way.
extension EventLineDecoder {
    static func outcome(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> InvocationOutcome {
        var o = InvocationOutcome(
            succeeded: false, discovery: DiscoveryCounters(), storage: StorageCounters(), heartbeats: 0,
            jobOverlap: false, stateWrites: 0, errorPaths: 0, wallNs: 0)
        var seen = Seen()
        try s.object { (s, key) throws(UnrecognizedLine) in
            if key.is("succeeded") {
                try seen.mark(0)
                o.succeeded = try s.bool()
            } else if key.is("discovery") {
                try seen.mark(1)
                o.discovery = try discovery(&s)
            } else if key.is("storage") {
                try seen.mark(2)
                o.storage = try storage(&s)
            } else if key.is("heartbeats") {
                try seen.mark(3)
                o.heartbeats = try s.integer()
            } else if key.is("job_overlap") {
                try seen.mark(4)
                o.jobOverlap = try s.bool()
            } else if key.is("state_writes") {
                try seen.mark(5)
                o.stateWrites = try s.integer()
            } else if key.is("error_paths") {
                try seen.mark(6)
                o.errorPaths = try s.integer()
            } else if key.is("wall_ns") {
                try seen.mark(7)
                o.wallNs = try s.integer()
            } else if key.is("cold_cache") {
                try seen.mark(8)
                o.coldCache = try s.null() ? nil : eviction(&s)
            } else if key.is("http") {
                try seen.mark(9)
                o.http = try s.null() ? nil : http(&s)
            } else if key.is("failure") {
                try seen.mark(10)
                o.failure = try s.null() ? nil : s.string()
            } else if key.is("last_state_write") {
                try seen.mark(11)
                o.lastStateWrite = try s.null() ? nil : lastStateWrite(&s)
            } else if key.is("failure_cause") {
                try seen.mark(12)
                o.failureCause = try s.null() ? nil : enumValue(&s, failureCauses)
            } else if key.is("cpu_ns") {
                try seen.mark(13)
                o.cpuNs = try s.null() ? nil : (s.integer() as UInt64)
            } else {
                throw UnrecognizedLine(key: key, in: "outcome")
            }
        }
        guard seen.bits & 0xFF == 0xFF else { throw UnrecognizedLine() }
        return o
    }

    static let failureCauses = table(InfrastructureFailure.allCases)

    /// An object of number fields, each required once, in any order: `read` reads field `n`.
    static func fields(
        _ s: inout JSONByteScanner, _ object: String, _ keys: [StaticString], optional: Int = 0,
        _ read: (Int, inout JSONByteScanner) throws(UnrecognizedLine) -> Void
    ) throws(UnrecognizedLine) {
        var seen = Seen()
        try s.object { (s, key) throws(UnrecognizedLine) in
            guard let n = keys.firstIndex(where: { key.is($0) }) else { throw UnrecognizedLine(key: key, in: object) }
            try seen.mark(n)
            try read(n, &s)
        }
        // The last `optional` keys may be absent (fields encoded only when set).
        let required: UInt64 = (1 << UInt64(keys.count - optional)) - 1
        guard seen.bits & required == required else { throw UnrecognizedLine() }
    }

    static func discovery(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> DiscoveryCounters {
        var d = DiscoveryCounters()
        let keys: [StaticString] = [
            "lookups", "backends_calls", "addon_objects", "groups_touched", "scans", "persistent_hits",
            "persistent_misses", "validation_stats", "persistent_corrupt", "persistent_writes_skipped",
        ]
        try fields(&s, "discovery", keys) { (n, s) throws(UnrecognizedLine) in
            let v: Int = try s.integer()
            switch n {
            case 0: d.lookups = v
            case 1: d.backendsCalls = v
            case 2: d.addonObjects = v
            case 3: d.groupsTouched = v
            case 4: d.scans = v
            case 5: d.persistentHits = v
            case 6: d.persistentMisses = v
            case 7: d.validationStats = v
            case 8: d.persistentCorrupt = v
            default: d.persistentWritesSkipped = v
            }
        }
        return d
    }

    static func storage(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> StorageCounters {
        var c = StorageCounters()
        let keys: [StaticString] = [
            "statements", "transactions", "busy_waits", "busy_wait_ns", "retries", "lock_waits", "connection_errors",
            "latency",
        ]
        try fields(&s, "storage", keys, optional: 2) { (n, s) throws(UnrecognizedLine) in
            switch n {
            case 7:
                var counts: [Int] = []
                try s.array { (s) throws(UnrecognizedLine) in counts.append(try s.integer()) }
                c.latency = LatencyBuckets(counts: counts)
            case 0: c.statements = try s.integer()
            case 1: c.transactions = try s.integer()
            case 2: c.busyWaits = try s.integer()
            case 3: c.busyWaitNs = try s.integer()
            case 4: c.retries = try s.integer()
            case 5: c.lockWaits = try s.integer()
            default: c.connectionErrors = try s.integer()
            }
        }
        return c
    }

    static func causes(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> CauseCounts {
        var c = CauseCounts()
        try fields(&s, "retries or failures", ["server_error", "timeout", "reset", "connect", "other"]) {
            (n, s) throws(UnrecognizedLine) in
            let v: Int = try s.integer()
            switch n {
            case 0: c.serverError = v
            case 1: c.timeout = v
            case 2: c.reset = v
            case 3: c.connect = v
            default: c.other = v
            }
        }
        return c
    }

    static func eviction(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> PageEviction {
        var e = PageEviction()
        try fields(&s, "cold_cache", ["files", "failed", "resident_pages", "sampled_pages"]) {
            (n, s) throws(UnrecognizedLine) in
            let v: Int = try s.integer()
            switch n {
            case 0: e.files = v
            case 1: e.failed = v
            case 2: e.residentPages = v
            default: e.sampledPages = v
            }
        }
        return e
    }

    static func http(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> [Phase: HTTPCounters] {
        var out: [Phase: HTTPCounters] = [:]
        try s.object { (s, key) throws(UnrecognizedLine) in
            guard let phase = Phase(rawValue: String(decoding: key, as: UTF8.self)) else {
                throw UnrecognizedLine(key: key, in: "http")
            }
            guard out[phase] == nil else { throw UnrecognizedLine() }
            out[phase] = try httpCounters(&s)
        }
        return out
    }

    static func httpCounters(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> HTTPCounters {
        var c = HTTPCounters()
        var seen = Seen()
        try s.object { (s, key) throws(UnrecognizedLine) in
            if key.is("calls") {
                try seen.mark(0)
                c.calls = try s.integer()
            } else if key.is("requests") {
                try seen.mark(1)
                c.requests = try s.integer()
            } else if key.is("retries") {
                try seen.mark(2)
                c.retries = try causes(&s)
            } else if key.is("failures") {
                try seen.mark(3)
                c.failures = try causes(&s)
            } else if key.is("bytes_sent") {
                try seen.mark(4)
                c.bytesSent = try s.integer()
            } else if key.is("bytes_received") {
                try seen.mark(5)
                c.bytesReceived = try s.integer()
            } else if key.is("backoff_microseconds") {
                try seen.mark(6)
                c.backoffMicroseconds = try s.integer()
            } else if key.is("connections_opened") {
                try seen.mark(7)
                c.connectionsOpened = try s.integer()
            } else if key.is("latency_microseconds") {
                try seen.mark(8)
                try s.array { (s) throws(UnrecognizedLine) in c.latencyMicroseconds.append(try s.integer()) }
            } else {
                throw UnrecognizedLine(key: key, in: "http counters")
            }
        }
        guard seen.bits == 0x1FF else { throw UnrecognizedLine() }
        return c
    }

    static func lastStateWrite(_ s: inout JSONByteScanner) throws(UnrecognizedLine) -> LastStateWrite {
        var w = LastStateWrite(stateID: "", sequence: 0, document: "")
        var seen = Seen()
        try s.object { (s, key) throws(UnrecognizedLine) in
            if key.is("state_id") {
                try seen.mark(0)
                w.stateID = try s.string()
            } else if key.is("sequence") {
                try seen.mark(1)
                w.sequence = try s.integer()
            } else if key.is("document") {
                try seen.mark(2)
                w.document = try s.string()
            } else {
                throw UnrecognizedLine(key: key, in: "last_state_write")
            }
        }
        guard seen.bits == 0x7 else { throw UnrecognizedLine() }
        return w
    }
}
