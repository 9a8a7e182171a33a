import Foundation
import Model
import XCTest

/// Short matatika runs (zygote and exec'd workers, the systemdb and http state backends) while a
/// seeded schedule stops, continues and kills the zygote and workers at random moments, and in
/// some schedules interrupts the coordinator. Whatever happens, the run ends within its bound, its
/// exit status and headline tell the truth, every event parses, no process outlives it, and the
/// system database and state store agree with the events (the run's own integrity check).
///
/// `SIMULATE_CHAOS_SCHEDULES` (default 8) sets how many schedules run and `SIMULATE_CHAOS_SEED`
/// (default 16) the first one's seed: `SIMULATE_CHAOS_SCHEDULES=50 swift test --filter ChaosTests`
/// is a longer soak. Each schedule prints one line: its seed, what it did and how the run ended.
final class ChaosTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws { scratch = try SimulateBinary.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    static let workerTimeout = 3.0
    static let planned = 12  // 6 invocations × 2 variants

    func testRunsEndTruthfullyWhateverHappensToTheirProcesses() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SIMULATE_CHAOS_SCHEDULES"].flatMap(Int.init) ?? 8
        // From 16, the default window holds schedules that stop the zygote for good (16, 20, 22).
        let first = environment["SIMULATE_CHAOS_SEED"].flatMap(UInt64.init) ?? 16
        // Undisturbed, a run must complete. The slowest configuration (exec'd workers, http state)
        // gives the bound's allowance for the work itself, with half again for a busy machine.
        // Its workers get a timeout a loaded machine cannot reach: a worker slow under load is no fault here.
        var undisturbed = ChaosSchedule(seed: 3, steps: [])
        undisturbed.workerTimeout = 30
        let control = try run(undisturbed)
        XCTAssertEqual(control.status, 0, "an undisturbed run completes: \(control.headline)")
        var tally: [String: Int] = [:]
        for seed in first..<(first + UInt64(count)) {
            // A schedule whose run left no report is a failure; the next schedules still run.
            do {
                let outcome = try run(ChaosSchedule(seed: seed), allowance: 1.5 * control.seconds)
                tally["exit \(outcome.status)", default: 0] += 1
            } catch {
                XCTFail("seed \(seed): \(error)")
                tally["no report", default: 0] += 1
            }
        }
        print("chaos: \(count) schedules from seed \(first): \(tally.sorted { $0.key < $1.key })")
    }

    struct Outcome {
        let status: Int32
        let seconds: Double
        /// The report's headline, which says why a run is INCOMPLETE.
        let headline: String
    }

    /// Runs one schedule against one run and checks everything the class promises.
    func run(_ schedule: ChaosSchedule, allowance: Double = 60) throws -> Outcome {
        let folder = scratch.appendingPathComponent("chaos-\(schedule.seed)-\(UUID().uuidString.prefix(8))")
        let events = folder.appendingPathComponent("events.jsonl")
        let started = Date()
        // In a session of its own: no kernel rescue of a stopped process when the coordinator exits.
        let process = try DetachedRun(
            schedule.arguments(output: folder, cache: scratch.appendingPathComponent("cache")))
        let coordinator = process.pid
        let coordinatorStart = ProcessTable.entry(coordinator)?.startTime ?? 0
        let watch = DescendantWatch(coordinator: coordinator)
        // The schedule's clock starts with the first worker.
        while process.isRunning, Date().timeIntervalSince(started) < 60,
            !((try? String(contentsOf: events, encoding: .utf8))?.contains("worker_started") ?? false)
        {
            Thread.sleep(forTimeInterval: 0.01)
        }
        var chaos = ChaosDriver(coordinator: coordinator, events: events, seed: schedule.seed)
        let t0 = Date()
        for step in schedule.steps where process.isRunning {
            Thread.sleep(until: t0.addingTimeInterval(step.at))
            chaos.perform(step.action)
        }
        let last = t0.addingTimeInterval(schedule.steps.last?.at ?? 0)
        // An interrupt ends the run within 2 s (1 s more for a busy machine); any other fault within
        // the worker timeout + 5 s, beyond the work itself.
        let bound =
            schedule.interrupts
            ? last.addingTimeInterval(3) : last.addingTimeInterval(schedule.workerTimeout + 5 + allowance)
        while process.isRunning, Date() < bound { Thread.sleep(forTimeInterval: 0.02) }
        let seconds = Date().timeIntervalSince(started)
        let context = "seed \(schedule.seed) \(schedule): \(chaos.log.joined(separator: ", "))"
        if process.isRunning {
            XCTFail("the run did not end by its bound (\(String(format: "%.1f", seconds)) s). \(context)")
            kill(coordinator, SIGKILL)
            process.waitUntilExit()
        }
        let seen = watch.stop()
        ProcessTable.assertNoneLeft(coordinatorStart: coordinatorStart, seen: seen, within: 2, context)
        let status = process.terminationStatus
        try checkTruth(folder: folder, status: status, context: context)
        print("chaos \(context) -> exit \(status) in \(String(format: "%.1f", seconds)) s")
        let report = (try? String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)) ?? ""
        let headline = report.split(separator: "\n").dropFirst().prefix(2).joined(separator: " ")
        return Outcome(status: status, seconds: seconds, headline: headline)
    }

    /// The exit status, the headline, the events and the stores against each other.
    func checkTruth(folder: URL, status: Int32, context: String) throws {
        let lines = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        let events = try lines.map { line in
            try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "line does not parse: \(line). \(context)")
        }
        let finished = events.filter { $0["event"] as? String == "invocation_finished" && $0["invocation"] != nil }
            .count
        let report = try String(contentsOf: folder.appendingPathComponent("REPORT.md"), encoding: .utf8)
        let incomplete = report.split(separator: "\n").dropFirst().first?.hasPrefix("INCOMPLETE") == true
        XCTAssertTrue([0, 3].contains(status), "exit \(status). \(context)")
        if status == 0 { XCTAssertEqual(finished, Self.planned, "exit 0 with invocations missing. \(context)") }
        if finished < Self.planned { XCTAssertEqual(status, 3, "\(finished) of \(Self.planned) finished. \(context)") }
        XCTAssertEqual(incomplete, status == 3, "the headline says INCOMPLETE exactly when exit is 3. \(context)")

        let summary = try SimulateBinary.json(folder.appendingPathComponent("summary.json"))
        let failures = summary["failures"] as? [String: Any] ?? [:]
        let lost = failures["lost_invocations"] as? Int ?? 0
        let integrity = try XCTUnwrap(summary["integrity"] as? [String: Any], context)
        let value = { (key: String) in integrity[key] as? Int ?? 0 }
        // A reported write is never missing. What a killed worker did before it could report (a
        // `runs` row left RUNNING, a state write, a lock) is at most one thing per lost invocation.
        XCTAssertEqual(value("lost_updates"), 0, "\(integrity). \(context)")
        XCTAssertTrue((0...lost).contains(value("runs_rows") - finished), "\(integrity), \(lost) lost. \(context)")
        XCTAssertLessThanOrEqual(value("non_terminal_runs"), lost, "\(integrity). \(context)")
        XCTAssertLessThanOrEqual(value("unreported_writes"), lost, "\(integrity). \(context)")
        XCTAssertLessThanOrEqual(value("locks_left"), lost, "\(integrity). \(context)")
        XCTAssertTrue(
            (0...lost).contains(value("state_rows") - value("expected_state_rows")), "\(integrity). \(context)")
        if lost == 0 { XCTAssertEqual(integrity["ok"] as? Bool, true, "\(integrity). \(context)") }
    }
}

/// What one schedule does: its run's configuration and its timed signals.
struct ChaosSchedule: CustomStringConvertible {
    enum Target: String {
        /// The zygote (a worker in an exec'd run).
        case zygote
        /// A worker that has started.
        case worker
        /// Any child of the zygote: a worker or the spare forked ahead.
        case zygoteChild = "zygote-child"
    }

    enum Action {
        case stop(Target)
        /// SIGCONT to one process stopped before.
        case resume
        case kill(Target)
        /// SIGINT to the coordinator.
        case interrupt
    }

    struct Step {
        /// Seconds after the first worker started.
        let at: Double
        let action: Action
    }

    let seed: UInt64
    let spawn: String
    let backend: String
    let steps: [Step]
    /// `worker_timeout_seconds` of the run.
    var workerTimeout = ChaosTests.workerTimeout

    var interrupts: Bool { steps.contains { if case .interrupt = $0.action { true } else { false } } }
    var description: String { "\(spawn)/\(backend)" }

    init(seed: UInt64, steps: [Step]? = nil) {
        var random = SeededRandom(seed: seed)
        self.seed = seed
        spawn = seed % 2 == 0 ? "zygote" : "exec"
        backend = seed / 2 % 2 == 0 ? "systemdb" : "http"
        if let steps {
            self.steps = steps
            return
        }
        var at = 0.0
        var planned: [Step] = []
        var stops = 0
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            at += Double.random(in: 0.05...0.9, using: &random)
            let target = [Target.zygote, .zygote, .worker, .worker, .zygoteChild].randomElement(using: &random)!
            let draw = Int.random(in: 0..<10, using: &random)
            // Some stops are never undone: the run must end anyway.
            let action: Action =
                draw < 2 && stops > 0 ? .resume : draw < 7 ? .stop(target) : .kill(target)
            if case .stop = action { stops += 1 }
            if case .resume = action { stops -= 1 }
            planned.append(Step(at: at, action: action))
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            planned.append(Step(at: at + Double.random(in: 0.05...0.8, using: &random), action: .interrupt))
        }
        self.steps = planned
    }

    func arguments(output: URL, cache: URL) -> [String] {
        [
            "--scenario", SimulateBinary.repository.appendingPathComponent("scenarios/matatika.yaml").path,
            "--output", output.path, "--cache-dir", cache.path,
            "--invocations", "6", "--workers", "2", "--variants", "meltano-3.6.0,meltano-3.7.9",
            "--set", "worker_timeout_seconds=\(workerTimeout)", "--set", "catalog_lines=2000",
            "--set", "worker_spawn=\(spawn)", "--set", "state_backend=\(backend)",
            // A killed worker's http lock goes stale after this, not after the default 10 s.
            "--set", "lock_timeout_seconds=2",
        ]
    }
}

/// Sends a schedule's signals to the processes a run has at that moment, found through /proc and
/// the run's events, and logs what it did.
struct ChaosDriver {
    let coordinator: pid_t
    let events: URL
    var random: SeededRandom
    var stopped: [pid_t] = []
    var log: [String] = []

    init(coordinator: pid_t, events: URL, seed: UInt64) {
        self.coordinator = coordinator
        self.events = events
        random = SeededRandom(seed: seed &+ 0x9E37)
    }

    mutating func perform(_ action: ChaosSchedule.Action) {
        switch action {
        case .stop(let target): send(SIGSTOP, "stop", to: target)
        case .kill(let target): send(SIGKILL, "kill", to: target)
        case .resume:
            guard !stopped.isEmpty else { return log.append("resume (nothing stopped)") }
            let pid = stopped.remove(at: Int.random(in: 0..<stopped.count, using: &random))
            kill(pid, SIGCONT)
            log.append("resume \(pid)")
        case .interrupt:
            kill(coordinator, SIGINT)
            log.append("interrupt")
        }
    }

    mutating func send(_ signal: Int32, _ name: String, to target: ChaosSchedule.Target) {
        guard let pid = pick(target) else { return log.append("\(name) \(target.rawValue) (none)") }
        kill(pid, signal)
        if signal == SIGSTOP { stopped.append(pid) }
        log.append("\(name) \(target.rawValue) \(pid)")
    }

    /// A live process of the kind asked for now, if there is one.
    mutating func pick(_ target: ChaosSchedule.Target) -> pid_t? {
        let zygote = ProcessTable.zygote(of: coordinator)
        let started = Set(
            ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    .flatMap { $0["event"] as? String == "worker_started" ? $0["pid"] as? Int : nil }
            }.map(pid_t.init))
        let workers = ProcessTable.descendants(of: coordinator).filter { started.contains($0) }.sorted()
        switch target {
        case .zygote: return zygote ?? workers.randomElement(using: &random)
        case .worker: return workers.randomElement(using: &random)
        case .zygoteChild:
            guard let zygote else { return workers.randomElement(using: &random) }
            return ProcessTable.descendants(of: zygote).sorted().randomElement(using: &random)
        }
    }
}
