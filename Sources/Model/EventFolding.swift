/// Something that takes a run's events one at a time as they arrive, so that nothing has to keep
/// them all: the event log hands every event it writes to one (the analysis's `RunAccumulator`).
///
/// Calls come from one thread at a time (the event log serializes them).
public protocol EventFolding: AnyObject {
    /// Takes one event into account.
    func fold(_ event: WorkerEvent)
    /// Whether an `invocation_finished` event for `invocation` has been folded.
    func hasFinished(invocation: Int) -> Bool
}
