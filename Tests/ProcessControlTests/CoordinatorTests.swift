import Foundation
import Model
import ProcessControl
import Scenario
import Testing

/// The coordinator through the fake launcher: how every way a worker can end is recorded, with no
/// process started (the end-to-end tests do the same with real processes, seconds each).
@Suite struct CoordinatorTests {
    /// Collects what the event log folds.
    final class Collector: EventFolding, @unchecked Sendable {
        var events: [WorkerEvent] = []
        private var finished = Set<Int>()
        func fold(_ event: WorkerEvent) {
            events.append(event)
            if event.event == .invocationFinished, let i = event.invocation { finished.insert(i) }
        }
        func hasFinished(invocation: Int) -> Bool { finished.contains(invocation) }
        func count(_ kind: WorkerEvent.Kind) -> Int { events.filter { $0.event == kind }.count }
    }

    struct Outcome {
        let record: RunRecord?
        let error: (any Error)?
        let events: Collector
        let launcher: FakeWorkerLauncher
        let seconds: Double
    }

    /// Runs `invocations` × 2 variants in batches of `perProcess` on `workers` fake workers.
    static func run(
        invocations: Int = 4, perProcess: Int = 2, workers: Int = 2, timeout: Double = 60, extra: String = "",
        _ behaviour: @escaping @Sendable (Int) -> FakeWorkerLauncher.Behaviour
    ) throws -> Outcome {
        let scenario = try ScenarioLoader.load(
            yaml: """
                name: fake
                variants: [meltano-3.6.0, meltano-3.7.9]
                baseline: meltano-3.6.0
                invocations: \(invocations)
                invocations_per_process: \(perProcess)
                workers: \(workers)
                worker_timeout_seconds: \(timeout)
                \(extra)
                """, displayName: "fake.yaml")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("coordinator-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try RunFolder.create(root: root, scenarioName: "fake", explicit: nil)
        let launcher = FakeWorkerLauncher(behaviour)
        let coordinator = Coordinator(
            scenario: scenario, batch: WorkerBatch.startUpProbe, folder: folder, progress: false,
            launcher: { _ in launcher })
        let events = Collector()
        let start = Date()
        do {
            let record = try coordinator.run(plan: InvocationPlan(scenario: scenario), accumulator: events)
            return Outcome(
                record: record, error: nil, events: events, launcher: launcher,
                seconds: Date().timeIntervalSince(start))
        } catch {
            return Outcome(
                record: nil, error: error, events: events, launcher: launcher,
                seconds: Date().timeIntervalSince(start))
        }
    }

    @Test func everyBatchGoesToAWorkerAndEveryInvocationFinishes() throws {
        let o = try Self.run { _ in .finishAll }
        let record = try #require(o.record)
        #expect(record.complete)
        #expect(o.launcher.launched == 4 && record.workerProcesses == 4)
        #expect(o.events.count(.invocationFinished) == 8)
        #expect(o.events.count(.workerExited) == 4 && o.events.count(.invocationLost) == 0)
        #expect(o.launcher.stopped)
        // Each worker gets its own batch: every planned invocation went to exactly one of them.
        #expect(Set(o.events.events.compactMap(\.invocation)) == Set(0..<8))
    }

    /// A fleet: one worker per run, each run's arrival logged before it runs, in arrival order,
    /// and the second variant's day only after the first variant's runs have all ended.
    @Test func aFleetStartsEachRunAtItsArrivalAndTheVariantsInTurn() throws {
        let o = try Self.run(
            extra: "fleet: {runs_per_day: 6, slots: 2, day_seconds: 0.3, arrivals: poisson}"
        ) { _ in .finishAll }
        let record = try #require(o.record)
        #expect(record.complete && record.workerProcesses == 12 && o.launcher.launched == 12)
        let events = o.events.events
        let arrivals = events.filter { $0.event == .runArrived }
        #expect(arrivals.count == 12 && arrivals.allSatisfy { $0.monotonicNs != nil })
        #expect(arrivals.map(\.invocation!) == Array(0..<12), "a fleet plan is in arrival order, variant by variant")
        #expect(arrivals.map(\.monotonicNs!) == arrivals.map(\.monotonicNs!).sorted())
        for arrival in arrivals {
            let arrived = events.firstIndex { $0.event == .runArrived && $0.invocation == arrival.invocation }!
            let finished = events.firstIndex { $0.event == .invocationFinished && $0.invocation == arrival.invocation }!
            #expect(arrived < finished)
        }
        let lastFirstDay = events.lastIndex { $0.event == .workerExited && $0.worker ?? 0 < 6 }!
        let firstSecondDay = events.firstIndex { $0.event == .runArrived && $0.variant == "meltano-3.7.9" }!
        #expect(lastFirstDay < firstSecondDay, "the second day starts once the first day's workers have ended")
    }

    @Test func aWorkerThatExitsEarlyLosesTheRestOfItsBatch() throws {
        let o = try Self.run { $0 == 1 ? .exit(afterFinishing: 1, status: 3) : .finishAll }
        let record = try #require(o.record)
        #expect(!record.complete)
        #expect(o.events.count(.invocationFinished) == 7 && o.events.count(.invocationLost) == 1)
        let exited = o.events.events.filter { $0.event == .workerExited && $0.exitStatus == 3 }
        #expect(exited.count == 1 && exited.first?.worker == 1)
    }

    @Test func aHungWorkerIsKilledAtItsDeadlineAndTheRunEnds() throws {
        let o = try Self.run(invocations: 2, workers: 2, timeout: 0.2) {
            $0 == 0 ? .hang(afterFinishing: 0) : .finishAll
        }
        let record = try #require(o.record)
        #expect(!record.complete)
        #expect(o.events.count(.workerTimeout) == 1)
        #expect(o.events.count(.invocationLost) == 2)
        #expect(o.launcher.handles[0].received.contains(SIGKILL))
        #expect(o.seconds < 10)
    }

    @Test func anOverlongLineIsAProtocolErrorAndTheBatchStillCounts() throws {
        let o = try Self.run { $0 == 0 ? .overlongLine : .finishAll }
        let record = try #require(o.record)
        #expect(!record.complete)
        let malformed = o.events.events.filter { $0.event == .malformedLine }
        #expect(malformed.count == 1 && malformed.first?.detail?.hasPrefix("protocol error") == true)
        #expect(o.events.count(.invocationFinished) == 8)
    }

    @Test func aTruncatedLastLineIsKept() throws {
        let o = try Self.run { $0 == 2 ? .truncatedLastLine : .finishAll }
        let malformed = o.events.events.filter { $0.event == .malformedLine }
        #expect(malformed.count == 1 && malformed.first?.detail?.hasPrefix("truncated line at end of output") == true)
        #expect(o.events.count(.invocationFinished) == 8)
    }

    @Test func aLaunchFailureEndsTheRunWithItsError() throws {
        let o = try Self.run(workers: 1) { $0 == 1 ? .failLaunch : .finishAll }
        #expect(o.record == nil)
        #expect(String(describing: try #require(o.error)).contains("fake launch failure of worker 1"))
        #expect(o.launcher.stopped)
    }

    @Test func atMostWorkersRunAtOnce() throws {
        // One worker slot and four batches: the launches happen one after another.
        let o = try Self.run(workers: 1) { _ in .finishAll }
        let record = try #require(o.record)
        #expect(record.complete && o.launcher.launched == 4)
        let exits = o.events.events.filter { $0.event == .workerExited }.compactMap(\.worker)
        #expect(exits == [0, 1, 2, 3])
    }
}
