import Model

/// One state-backend initialization with the profile's error path (the tap's lookup, the target's
/// write), shared by the steps that make one.
struct BackendInitializer {
    /// The scheme the job's backend resolves through.
    let scheme: String
    /// After the error path: the operator fixes the URI and the run goes on.
    let retryOnError: Bool
    let emit: (WorkerEvent) -> Void

    /// Initialization `number`; false when the invocation must fail.
    func initialize(_ number: Int, raisesTwice: Bool, _ run: InvocationState) -> Bool {
        let planned = run.spec.errorAtInit.indices.contains(number - 1) && run.spec.errorAtInit[number - 1]
        let attempted = planned ? StateBackendResolver.misconfiguredScheme : scheme
        switch run.resolver.initialize(scheme: attempted, initialization: number, raisesTwice: raisesTwice) {
        case .resolved:
            return true
        case .failed(let record):
            run.errorPaths += 1
            var event = WorkerEvent(.errorPath, invocation: run.spec.index, variant: run.spec.variant)
            event.errorPath = record
            emit(event)
            guard retryOnError else { return false }
            // The operator fixes the URI and the run goes on: a fresh manager, the right scheme.
            if case .resolved = run.resolver.initialize(
                scheme: scheme, initialization: number, raisesTwice: raisesTwice)
            {
                return true
            }
            return false
        }
    }
}
