import Model

extension InvocationServices {
    /// The steps of a pipeline invocation, in Meltano's order (docs/model.md, "What an invocation
    /// does"): the one place a step is registered. A step skipped by `runs(for:)` emits no phase.
    /// `batch` is this worker's batch as one job runs it (`WorkerBatch.forJob`).
    func pipelineSteps(for batch: WorkerBatch) -> [any InvocationStep] {
        let initializer = BackendInitializer(scheme: batch.state.scheme, retryOnError: batch.retryOnError, emit: emit)
        return [
            SettingsStep(),
            JobBookkeepingStep(
                padder: padder, database: database,
                heartbeatIntervalSeconds: batch.systemDatabase.heartbeatIntervalSeconds),
            StateLookupStep(padder: padder, initializer: initializer),
            CatalogWriteStep(padder: padder, catalog: batch.catalog),
            ExtractStep(http: batch.http, clients: clients),
            TargetStateInitStep(initializer: initializer, messages: batch.state.messages),
            StateWriteStep(padder: padder, state: batch.state),
            TeardownStep(padder: padder),
        ]
    }
}
