import Model

/// Step 6: the target's state backend, created lazily on the first STATE message:
/// initialization #2, with the profile's error path.
struct TargetStateInitStep: InvocationStep {
    let initializer: BackendInitializer
    /// STATE messages production writes: none, no backend.
    let messages: Int

    var phase: Phase { .targetStateInit }

    func runs(for run: InvocationState) -> Bool { run.succeeded && messages > 0 }

    func perform(_ run: InvocationState, prepared: Void) {
        run.succeeded = initializer.initialize(2, raisesTwice: false, run)
    }
}
