import Foundation

/// Why an invocation did not complete its pipeline although the scenario did not plan it to fail:
/// a fault of the infrastructure the simulation runs on, not a modelled Meltano error path.
public enum InfrastructureFailure: String, Codable, Sendable, CaseIterable {
    /// An HTTP call ran out of retries (the tap or the state backend raised).
    case http
    /// The system database stayed locked past `busy_timeout_seconds`.
    case databaseLocked = "database_locked"
    /// The PostgreSQL system database could not be reached, or the connection broke.
    case databaseUnreachable = "database_unreachable"
}

/// Whether a run's estimate stands on every planned invocation and a consistent store, and if
/// not, why: `summary.json`'s `outcome`, the report's headline and the exit status (3) say it.
public struct RunOutcome: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case complete
        case incomplete
    }

    /// One reason a run is incomplete.
    public enum Reason: String, Codable, Sendable {
        /// SIGINT or SIGTERM stopped the run.
        case interrupted
        /// Planned invocations that never finished (their worker died, hung or was killed).
        case lostInvocations = "lost_invocations"
        /// Invocations that failed because an HTTP call gave up.
        case httpFailedInvocations = "http_failed_invocations"
        /// Invocations that failed because the system database stayed locked past the busy timeout.
        case databaseLockedInvocations = "database_locked_invocations"
        /// Invocations that failed because the PostgreSQL system database could not be reached.
        case databaseUnreachableInvocations = "database_unreachable_invocations"
        /// Worker processes that exited non-zero, by a signal, or past their timeout.
        case workerFailures = "worker_failures"
        /// The stores after the run disagree with what the workers reported.
        case integrityCheckFailed = "integrity_check_failed"
        /// http backend: state locks left on the server.
        case locksLeft = "locks_left"
    }

    /// A reason with its count (nil where there is nothing to count) and its words.
    public struct Item: Codable, Sendable, Equatable {
        public var reason: Reason
        public var count: Int?
        public var text: String

        public init(reason: Reason, count: Int?, text: String) {
            self.reason = reason
            self.count = count
            self.text = text
        }
    }

    public var status: Status
    /// Empty when complete.
    public var reasons: [Item]
    /// Invocations planned, and those that completed their pipeline (a modelled error path
    /// included): the estimate is computed on the latter.
    public var plannedInvocations: Int
    public var completedInvocations: Int

    public init(status: Status, reasons: [Item], plannedInvocations: Int, completedInvocations: Int) {
        self.status = status
        self.reasons = reasons
        self.plannedInvocations = plannedInvocations
        self.completedInvocations = completedInvocations
    }

    /// What went wrong, as one clause: "12 of 36 invocations failed (an HTTP call gave up); 3 locks left".
    public var reasonText: String { reasons.map(\.text).joined(separator: "; ") }

    /// The outcome of a run from what its coordinator, events and integrity check saw.
    /// - Parameters:
    ///   - workersEnded: false when a worker died, hung or was killed, or the run was interrupted.
    ///   - failures: the run's failure counts.
    ///   - infrastructureFailed: invocations that finished failed by an infrastructure fault, by cause.
    public static func assess(
        workersEnded: Bool, failures: FailureCounts, infrastructureFailed: [InfrastructureFailure: Int],
        integrity: IntegrityInfo?, planned: Int, completed: Int
    ) -> RunOutcome {
        var items: [Item] = []
        func of(_ n: Int) -> String { "\(n) of \(planned) invocation\(planned == 1 ? "" : "s")" }
        if let why = failures.interrupted {
            items.append(Item(reason: .interrupted, count: nil, text: "interrupted (\(why))"))
        }
        if failures.lostInvocations > 0 {
            items.append(
                Item(
                    reason: .lostInvocations, count: failures.lostInvocations,
                    text: "\(of(failures.lostInvocations)) lost (never finished)"))
        }
        if let n = infrastructureFailed[.http], n > 0 {
            items.append(
                Item(reason: .httpFailedInvocations, count: n, text: "\(of(n)) failed (an HTTP call gave up)"))
        }
        if let n = infrastructureFailed[.databaseLocked], n > 0 {
            items.append(
                Item(
                    reason: .databaseLockedInvocations, count: n,
                    text: "\(of(n)) failed (the system database stayed locked past busy_timeout_seconds)"))
        }
        if let n = infrastructureFailed[.databaseUnreachable], n > 0 {
            items.append(
                Item(
                    reason: .databaseUnreachableInvocations, count: n,
                    text: "\(of(n)) failed (the PostgreSQL system database could not be reached)"))
        }
        let workerFaults = failures.workerExits + failures.workerTimeouts
        if workerFaults > 0 {
            items.append(
                Item(
                    reason: .workerFailures, count: workerFaults,
                    text: "\(workerFaults) worker process\(workerFaults == 1 ? "" : "es") exited abnormally"))
        } else if !workersEnded && items.isEmpty {
            items.append(Item(reason: .workerFailures, count: nil, text: "a worker did not end normally"))
        }
        if let integrity, !integrity.ok {
            items.append(Item(reason: .integrityCheckFailed, count: nil, text: "integrity check failed"))
        }
        if let locks = integrity?.locksLeft, locks > 0 {
            items.append(Item(reason: .locksLeft, count: locks, text: "\(locks) lock\(locks == 1 ? "" : "s") left"))
        }
        return RunOutcome(
            status: items.isEmpty ? .complete : .incomplete, reasons: items, plannedInvocations: planned,
            completedInvocations: completed)
    }
}
