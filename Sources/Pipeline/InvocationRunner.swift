import HTTP
import Model
import Storage

/// Runs one simulated `meltano run` in Meltano's order (docs/model.md, "What an invocation does") and emits its events.
///
/// Every step does its real work: discovery through a fresh `DiscoverySession` (so in-process
/// caches start empty), job bookkeeping and state in the shared system database, the catalog
/// written to a real file, pages read over HTTP from the source API, STATE messages written
/// through the state backend. The steps are values (`Steps/`, listed in `PipelineSteps.swift`);
/// the runner only sequences them, times each as its phase, and handles failure.
public final class InvocationRunner {
    let services: InvocationServices
    let start: StartStep
    /// The steps of each job (its own catalog, state and page counts), made on first use.
    private var stepsByJob: [Int: [any InvocationStep]] = [:]
    let finish: FinishStep

    public convenience init(batch: WorkerBatch, emit: @escaping (WorkerEvent) -> Void) {
        self.init(services: InvocationServices(batch: batch, emit: emit))
    }

    public init(services: InvocationServices) {
        self.services = services
        start = StartStep(
            variants: services.batch.variants, sessions: services.sessions, database: services.database,
            stateStores: services.stateStores, emit: services.emit)
        finish = FinishStep(emit: services.emit)
    }

    /// Runs one invocation to its end, one step per phase; simulated Meltano errors are outcomes, not throws.
    public func run(_ spec: InvocationSpec) throws {
        let run = try start.open(spec)
        for step in steps(of: spec.jobIndex) { try perform(step, run) }
        finish.report(run)
    }

    func steps(of job: Int) -> [any InvocationStep] {
        if let made = stepsByJob[job] { return made }
        let made = services.pipelineSteps(for: services.batch.forJob(job))
        stepsByJob[job] = made
        return made
    }

    /// Runs `step` as its phase, if it runs for this invocation.
    func perform(_ step: some InvocationStep, _ run: InvocationState) throws {
        guard step.runs(for: run) else { return }
        let prepared = step.prepare(run)
        let units = step.units(for: run)
        try services.timer.phase(
            step.phase, spec: run.spec, ledger: run.ledger, units: units.done, productionUnits: units.production
        ) {
            try failingOnInfrastructure(step.phase, run) { try step.perform(run, prepared: prepared) }
        }
    }

    /// An infrastructure fault fails the invocation, recorded as its outcome (counted failed,
    /// never lost): an HTTP call that gave up (as the tap or the state backend would raise), or
    /// the system database locked past `busy_timeout_seconds`. Anything else still throws.
    func failingOnInfrastructure(_ phase: Phase, _ run: InvocationState, _ body: () throws -> Void) throws {
        do { try body() } catch let error as HTTPCallFailed {
            run.fail(.http, "\(phase.rawValue): \(error)")
        } catch let error as StorageError where error.kind == .busyTimeout {
            run.fail(
                .databaseLocked,
                "\(phase.rawValue): the system database stayed locked by another connection for more than "
                    + "\(services.batch.systemDatabase.busyTimeoutSeconds) s (busy_timeout_seconds)")
        } catch let error as StorageError where error.kind == .connection {
            run.fail(.databaseUnreachable, "\(phase.rawValue): \(error.message)")
        }
    }
}
