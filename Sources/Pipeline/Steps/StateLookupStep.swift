import Model

/// Step 3: state-backend initialization #1 (with the profile's error path), then the tap's state `get`.
struct StateLookupStep: InvocationStep {
    let padder: CostPadder
    let initializer: BackendInitializer

    var phase: Phase { .stateLookup }

    func perform(_ run: InvocationState, prepared: Void) throws {
        run.succeeded = initializer.initialize(1, raisesTwice: run.variant.release.tapErrorRaisedTwice, run)
        guard run.succeeded else { return }
        _ = try padder.padStatements(of: run.database, ledger: run.ledger) {
            try run.store.get(stateID: run.spec.stateID)
        }
    }
}
