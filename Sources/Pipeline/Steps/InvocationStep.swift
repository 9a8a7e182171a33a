import Model

/// One step of an invocation: a phase of Meltano's `meltano run` (docs/model.md, "What an
/// invocation does"). One type per file, each handed only the services it needs, registered in
/// one ordered list (`PipelineSteps.swift`). The runner times each step as its phase and turns an
/// infrastructure fault inside it into the invocation's failure.
protocol InvocationStep {
    /// What `prepare` makes before the phase's clock starts.
    associatedtype Prepared = Void

    /// The phase the step is timed as.
    var phase: Phase { get }

    /// Whether the step runs for `run`; by default only while the invocation is succeeding.
    func runs(for run: InvocationState) -> Bool

    /// Units done for real and units production does (fewer for real: a sampled phase); by default one.
    func units(for run: InvocationState) -> StepUnits

    /// Work before the phase's clock starts, which is not Meltano's cost.
    func prepare(_ run: InvocationState) -> Prepared

    /// The step's work, inside its phase.
    func perform(_ run: InvocationState, prepared: Prepared) throws
}

/// A phase's unit counts: done for real, and done by production.
struct StepUnits {
    var done: Int
    var production: Int

    static let one = StepUnits(done: 1, production: 1)
}

extension InvocationStep {
    func runs(for run: InvocationState) -> Bool { run.succeeded }
    func units(for run: InvocationState) -> StepUnits { .one }
}

extension InvocationStep where Prepared == Void {
    func prepare(_ run: InvocationState) {}
}
