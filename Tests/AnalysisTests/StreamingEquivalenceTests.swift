import Foundation
import Model
import Scenario
import Testing

@testable import Analysis

/// Random runs (interleaved workers, failures, lost and unplanned invocations, HTTP counters, cold
/// caches, error paths) through today's analyzer (`LegacyRunAnalyzer`) and the streaming one: the
/// summaries must agree, up to floating-point summation order.
struct RandomRun {
    var rng: SeededRandom
    let variants = ["meltano-3.6.0", "meltano-3.7.9"]
    let messages = ["no backend 'a'", "no backend 'b'", "unicode é 😀"]

    mutating func pick<T>(_ xs: [T]) -> T { xs[rng.nextInt(below: xs.count)] }
    mutating func chance(_ p: Double) -> Bool { rng.nextDouble() < p }

    mutating func record(_ name: Phase) -> PhaseRecord {
        let units = 1 + rng.nextInt(below: 10)
        let sampled = chance(0.3)
        return PhaseRecord(
            phase: name, provenance: sampled ? .sampled : .measured, units: units,
            productionUnits: sampled ? units * (1 + rng.nextInt(below: 20)) : units,
            nativeNs: UInt64(rng.nextInt(below: 50_000_000)),
            modelledNs: UInt64(1000 + rng.nextInt(below: 900_000_000)),
            scans: rng.nextInt(below: 3), scanModelledNs: UInt64(rng.nextInt(below: 1_000_000)))
    }

    mutating func outcome() -> InvocationOutcome {
        var discovery = DiscoveryCounters()
        discovery.scans = rng.nextInt(below: 5)
        discovery.lookups = rng.nextInt(below: 9)
        discovery.persistentHits = rng.nextInt(below: 2)
        var storage = StorageCounters()
        storage.statements = rng.nextInt(below: 30)
        storage.busyWaitNs = UInt64(rng.nextInt(below: 1000))
        var o = InvocationOutcome(
            succeeded: chance(0.8), discovery: discovery, storage: storage, heartbeats: rng.nextInt(below: 3),
            jobOverlap: chance(0.1), stateWrites: rng.nextInt(below: 3), errorPaths: rng.nextInt(below: 2),
            wallNs: 1000)
        if chance(0.3) {
            o.coldCache = PageEviction(files: 3, failed: rng.nextInt(below: 2), residentPages: 1, sampledPages: 9)
        }
        if chance(0.4) {
            var h = HTTPCounters()
            h.calls = 1 + rng.nextInt(below: 4)
            h.requests = h.calls + rng.nextInt(below: 2)
            h.failures.add(chance(0.2) ? RetryCause.timeout : nil)
            h.latencyMicroseconds = (0..<h.requests).map { _ in UInt32(1 + rng.nextInt(below: 2_000_000)) }
            o.http = [pick([Phase.pages, .stateLookup, .stateWrites]): h]
            if chance(0.2) { o.failure = "extract: gave up" }
        }
        if chance(0.5) {
            o.lastStateWrite = LastStateWrite(
                stateID: "s\(rng.nextInt(below: 3))", sequence: rng.nextInt(below: 50), document: "{}")
        }
        return o
    }

    /// One invocation's events in order; `index` may be outside the plan.
    mutating func invocation(_ index: Int, variant: String) -> [WorkerEvent] {
        var events: [WorkerEvent] = []
        if !chance(0.05) { events.append(WorkerEvent(.invocationStarted, invocation: index, variant: variant)) }
        for name in Phase.simulated where chance(0.85) {
            var e = WorkerEvent(.phase, invocation: index, variant: variant)
            e.phase = record(name)
            events.append(e)
            if chance(0.05) { events.append(e) }  // a repeated phase: the last one counts
        }
        if chance(0.05) {
            var e = WorkerEvent(.phase, invocation: index, variant: variant)
            e.phase = record(.import)  // outside the summarized phases; still in the totals
            events.append(e)
        }
        if chance(0.3) {
            var e = WorkerEvent(.errorPath, invocation: index, variant: variant)
            e.errorPath = ErrorPathRecord(initialization: 1, scheme: "x", message: pick(messages), backendsCalls: 1)
            events.append(e)
        }
        let end = rng.nextDouble()
        if end < 0.75 {
            var e = WorkerEvent(.invocationFinished, invocation: index, variant: variant)
            e.outcome = outcome()
            events.append(e)
        } else if end < 0.85 {
            events.append(WorkerEvent(.invocationLost, invocation: index, variant: variant))
        } else if end < 0.9 {
            events.append(WorkerEvent(.invocationFinished, invocation: index, variant: variant))
        }
        return events
    }

    /// A plan of `count` invocations and their events, `workers` at a time interleaved at random.
    mutating func run(count: Int, workers: Int) -> (plan: [InvocationSpec], events: [WorkerEvent]) {
        let plan = (0..<count).map {
            InvocationSpec(
                index: $0, ordinal: $0 / 2, variant: variants[$0 % 2], job: "j", stateID: "s\($0 % 3)",
                errorAtInit: [false, false])
        }
        var queues = plan.map { invocation($0.index, variant: $0.variant) }
        queues.append(invocation(count + 5, variant: variants[0]))
        var active: [Int] = []
        var next = 0
        var events = [WorkerEvent(.workerStarted)]
        while next < queues.count || !active.isEmpty {
            while active.count < workers, next < queues.count {
                active.append(next)
                next += 1
            }
            let k = rng.nextInt(below: active.count)
            if queues[active[k]].isEmpty {
                active.remove(at: k)
                continue
            }
            var e = queues[active[k]].removeFirst()
            e.worker = active[k] % workers
            events.append(e)
            if chance(0.01) { events.append(pick(coordinatorEvents())) }
        }
        return (plan, events)
    }

    func coordinatorEvents() -> [WorkerEvent] {
        var exited = WorkerEvent(.workerExited)
        exited.exitStatus = 9
        var interrupted = WorkerEvent(.runInterrupted)
        interrupted.detail = "signal 2"
        return [exited, WorkerEvent(.workerTimeout), WorkerEvent(.malformedLine), interrupted]
    }
}

/// Numbers equal to a relative 1e-9; everything else exactly. `machine` (read at analysis time) is skipped.
func expectSame(_ a: Any, _ b: Any, path: String = "") {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
        #expect(Set(x.keys) == Set(y.keys), "keys at \(path)")
        for (key, value) in x where key != "machine" {
            if let other = y[key] { expectSame(value, other, path: path + "." + key) }
        }
    case (let x as [Any], let y as [Any]):
        #expect(x.count == y.count, "count at \(path)")
        for (i, pair) in zip(x, y).enumerated() { expectSame(pair.0, pair.1, path: path + "[\(i)]") }
    case (let x as NSNumber, let y as NSNumber) where !(a is String):
        let (u, v) = (x.doubleValue, y.doubleValue)
        #expect(u == v || abs(u - v) <= 1e-9 * max(abs(u), abs(v)), "\(path): \(u) vs \(v)")
    default:
        #expect("\(a)" == "\(b)", "\(path)")
    }
}

func json(_ summary: RunSummary) throws -> Any {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return try JSONSerialization.jsonObject(with: encoder.encode(summary))
}

/// The streaming analyzer's summary of a folded run, with the fixed command, times and profile
/// every test here compares under.
func streamingSummary(
    _ scenario: Scenario, _ accumulator: RunAccumulator,
    environment: EnvironmentInfo = EnvironmentInfo(
        kind: "synthetic", pathEntries: 1, distributions: 20, entryPointFiles: 5, reused: false, description: "random")
) -> RunSummary {
    RunAnalyzer().analyze(
        .init(
            scenario: scenario, accumulator: accumulator, command: "c", startedAt: Date(timeIntervalSince1970: 0),
            wallSeconds: 1, complete: false, workerProcesses: 3, environment: environment, costProfile: .native,
            integrity: nil))
}

@Suite struct StreamingEquivalenceTests {
    let environment = EnvironmentInfo(
        kind: "synthetic", pathEntries: 1, distributions: 20, entryPointFiles: 5, reused: false, description: "random")

    func legacy(_ scenario: Scenario, _ plan: [InvocationSpec], _ events: [WorkerEvent]) -> RunSummary {
        LegacyRunAnalyzer().analyze(
            .init(
                scenario: scenario, plan: plan, events: events, command: "c", startedAt: Date(timeIntervalSince1970: 0),
                wallSeconds: 1, complete: false, workerProcesses: 3, environment: environment, costProfile: .native,
                integrity: nil, coldReference: nil))
    }

    func streaming(_ scenario: Scenario, _ accumulator: RunAccumulator) -> RunSummary {
        streamingSummary(scenario, accumulator, environment: environment)
    }

    @Test(arguments: [(1, 40, 3), (2, 200, 4), (3, 7, 1), (4, 400, 2), (5, 2, 2)])
    func summariesAgree(seed: UInt64, count: Int, workers: Int) throws {
        let yaml =
            "name: eq\nvariants: [meltano-3.6.0, meltano-3.7.9]\ninvocations: 1\nseed: \(seed)\nstate_backend: http\n"
        let scenario = try ScenarioLoader.load(yaml: yaml, displayName: "eq")
        var generator = RandomRun(rng: SeededRandom(seed: seed))
        let (plan, events) = generator.run(count: count, workers: workers)
        let accumulator = RunAccumulator(scenario: scenario, plan: plan)
        for e in events { accumulator.fold(e) }
        expectSame(try json(legacy(scenario, plan, events)), try json(streaming(scenario, accumulator)))
    }

    /// The same events read back from an `events.jsonl` give the same summary.
    @Test func foldingTheFileMatchesFoldingTheEvents() throws {
        let scenario = try ScenarioLoader.load(
            yaml: "name: eq\nvariants: [meltano-3.6.0, meltano-3.7.9]\ninvocations: 1\n", displayName: "eq")
        var generator = RandomRun(rng: SeededRandom(seed: 11))
        let (plan, events) = generator.run(count: 120, workers: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((events.map { $0.jsonLine() }.joined(separator: "\n") + "\nnot an event\n").utf8).write(to: url)
        let fromFile = RunAccumulator(scenario: scenario, plan: plan)
        #expect(try fromFile.fold(contentsOf: url) == 1)
        expectSame(try json(legacy(scenario, plan, events)), try json(streaming(scenario, fromFile)))
    }

    /// What the integrity check reads: the same numbers a scan of all events gives.
    @Test func integrityFactsMatchAScanOfTheEvents() throws {
        let scenario = try ScenarioLoader.load(
            yaml: "name: eq\nvariants: [meltano-3.6.0, meltano-3.7.9]\ninvocations: 1\n", displayName: "eq")
        var generator = RandomRun(rng: SeededRandom(seed: 5))
        let (plan, events) = generator.run(count: 150, workers: 4)
        let accumulator = RunAccumulator(scenario: scenario, plan: plan)
        for e in events { accumulator.fold(e) }
        let specs = Dictionary(uniqueKeysWithValues: plan.map { ($0.index, $0) })
        let finished = events.filter { $0.event == .invocationFinished }
        var last: [String: LastStateWrite] = [:]
        for write in finished.compactMap({ $0.outcome?.lastStateWrite })
        where write.sequence > last[write.stateID]?.sequence ?? 0 {
            last[write.stateID] = write
        }
        let planned = finished.filter { $0.outcome != nil && specs[$0.invocation ?? -1] != nil }
        let facts = accumulator.integrity
        #expect(facts.finishedEvents == finished.count)
        #expect(facts.stateWritesReported == planned.reduce(0) { $0 + $1.outcome!.stateWrites })
        #expect(
            facts.stateIDsWritten
                == Set(planned.filter { $0.outcome!.stateWrites > 0 }.map { specs[$0.invocation!]!.stateID }))
        #expect(facts.lastWrites == last)
        for spec in plan {
            #expect(
                accumulator.hasFinished(invocation: spec.index) == finished.contains { $0.invocation == spec.index })
        }
    }
}
