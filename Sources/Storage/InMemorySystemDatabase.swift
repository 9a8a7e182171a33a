import Foundation

/// Meltano's system database kept in this process's memory: the `runs` and `state` tables,
/// shared by every connection made with `connect()`. For tests of what uses a
/// `SystemDatabaseStore`; it cannot be shared with other processes.
///
/// Each call counts the statements and transactions SQLite's `SystemDatabase` executes for it, so
/// the padding and the reported counters are the same; it never waits for a lock.
public final class InMemorySystemDatabase: @unchecked Sendable {
    /// One row of the `runs` table.
    public struct RunRow: Sendable, Equatable {
        public var id: Int64
        public var jobName: String
        public var runID: String
        public var state: SystemDatabase.RunState
        public var startedAt: String
        public var lastHeartbeatAt: String
        public var endedAt: String?
        public var payload: String
        public var payloadFlags: Int
        public var trigger: String
    }

    // Every access goes through `lock`, hence `@unchecked Sendable`.
    private let lock = NSLock()
    private var runRows: [RunRow] = []
    private var states: [String: StoredState] = [:]

    public init() {}

    /// A new connection, with its own counters.
    public func connect() -> Connection { Connection(database: self) }

    /// The `runs` table, in row-id order.
    public var runs: [RunRow] { lock.withLock { runRows } }

    fileprivate func withTables<T>(_ body: (inout [RunRow], inout [String: StoredState]) throws -> T) rethrows -> T {
        try lock.withLock { try body(&runRows, &states) }
    }

    /// One connection to an `InMemorySystemDatabase`.
    public final class Connection: SystemDatabaseStore, @unchecked Sendable {
        private let database: InMemorySystemDatabase
        // Guarded by `counterLock`: the heartbeat's thread and the invocation's may read it.
        private let counterLock = NSLock()
        private var counters = DatabaseStats()

        fileprivate init(database: InMemorySystemDatabase) {
            self.database = database
        }

        public var stats: DatabaseStats { counterLock.withLock { counters } }

        /// Runs `body` on the tables as `statements` statements (and one transaction when `transaction`).
        private func execute<T>(
            statements: Int, transaction: Bool = false,
            _ body: (inout [RunRow], inout [String: StoredState]) throws -> T
        ) rethrows -> T {
            let result = try database.withTables(body)
            counterLock.withLock {
                counters.statementsExecuted += statements
                if transaction { counters.transactions += 1 }
            }
            return result
        }

        @discardableResult
        public func markStaleRuns(heartbeatOlderThan cutoff: Date, now: Date) throws -> Int {
            let (limit, ended) = (StorageTimestamp.format(cutoff), StorageTimestamp.format(now))
            return execute(statements: 1) { runs, _ in
                var changed = 0
                for i in runs.indices where runs[i].state == .running && runs[i].lastHeartbeatAt < limit {
                    runs[i].state = .fail
                    runs[i].endedAt = ended
                    changed += 1
                }
                return changed
            }
        }

        public func runningCount(jobName: String) throws -> Int {
            execute(statements: 1) { runs, _ in runs.count { $0.jobName == jobName && $0.state == .running } }
        }

        public func insertRun(jobName: String, runID: String, trigger: String, now: Date) throws -> Int64 {
            let timestamp = StorageTimestamp.format(now)
            return execute(statements: 1, transaction: true) { runs, _ in
                let id = (runs.last?.id ?? 0) + 1
                runs.append(
                    RunRow(
                        id: id, jobName: jobName, runID: runID, state: .running, startedAt: timestamp,
                        lastHeartbeatAt: timestamp, endedAt: nil, payload: "{}", payloadFlags: 0, trigger: trigger))
                return id
            }
        }

        public func heartbeat(runRowID: Int64, now: Date) throws {
            let timestamp = StorageTimestamp.format(now)
            execute(statements: 1) { runs, _ in
                if let i = runs.firstIndex(where: { $0.id == runRowID }) { runs[i].lastHeartbeatAt = timestamp }
            }
        }

        public func updateRunPayload(runRowID: Int64, payload: String, flags: Int) throws {
            execute(statements: 1) { runs, _ in
                guard let i = runs.firstIndex(where: { $0.id == runRowID }) else { return }
                runs[i].payload = payload
                runs[i].payloadFlags = flags
            }
        }

        public func endRun(runRowID: Int64, succeeded: Bool, now: Date) throws {
            let timestamp = StorageTimestamp.format(now)
            execute(statements: 1) { runs, _ in
                guard let i = runs.firstIndex(where: { $0.id == runRowID }) else { return }
                runs[i].state = succeeded ? .success : .fail
                runs[i].endedAt = timestamp
            }
        }

        public func get(stateID: String) throws -> StoredState? {
            execute(statements: 1) { _, states in states[stateID] }
        }

        /// Meltano's merge, as `SystemDatabase.set` does it (SELECT, DELETE, INSERT in one transaction).
        @discardableResult
        public func set(stateID: String, completed: String?, partial: String?) throws -> StateWriteReceipt {
            try execute(statements: 3, transaction: true) { _, states in
                let stored = states[stateID]
                let merged = try StateMerge.merge(
                    oldPartial: StateMerge.parseObject(stored?.partialState, what: "stored partial state"),
                    oldCompleted: StateMerge.parseObject(stored?.completedState, what: "stored completed state"),
                    newCompleted: completed, newPartial: partial)
                states[stateID] = StoredState(
                    partialState: try StateMerge.serialize(merged.partial),
                    completedState: try StateMerge.serialize(merged.completed),
                    updatedAt: StorageTimestamp.format(Date()))
                return StateWriteReceipt(writeSequence: merged.writeSequence, busyWaits: 0, lockWaits: 0)
            }
        }
    }
}
