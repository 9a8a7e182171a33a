import Environment
import Foundation
import Model
import Pipeline
import Scenario
import Storage
import XCTest

/// A temporary run: a synthetic environment, a system database and a job, for in-process invocations.
final class PipelineFixture {
    let root: URL
    var batch: WorkerBatch
    /// The SQLite system database the batch's locator names.
    let databasePath: String
    private(set) var events: [WorkerEvent] = []

    init(
        variants: [String], packages: Int = 12, stateMessages: Int = 3, retry: Bool = true,
        backend: StateBackendKind = .systemdb,
        costs: CostProfile = .native, catalogLines: Int = 20, shape: EnvironmentShape = .bare
    ) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        let environment = try SyntheticEnvironment.prepare(
            packages: packages, seed: 3, cacheRoot: root.appendingPathComponent("cache"), shape: shape)
        for dir in ["state", "discovery", "scratch"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let database = root.appendingPathComponent("system.db").path
        try SystemDatabase.create(at: database)
        let resolved = try variants.map { name -> Variant in
            try ReleaseProfileFiles.variant(name)
        }
        databasePath = database
        batch = WorkerBatch(
            workload: .pipeline, costProfile: costs, variants: resolved, invocations: [],
            discovery: DiscoveryWork(
                pathEntries: environment.pathEntries, cacheDirectory: root.appendingPathComponent("discovery").path),
            systemDatabase: SystemDatabaseWork(locator: .sqlite(path: database), heartbeatIntervalSeconds: 0.05),
            catalog: CatalogWork(
                lines: catalogLines, sampleLines: 10, scratchDirectory: root.appendingPathComponent("scratch").path),
            state: StateWork(
                backend: backend, root: root.appendingPathComponent("state").path, messages: stateMessages,
                sampleMessages: 2, lockTimeoutSeconds: 10),
            retryOnError: retry, microbench: MicrobenchWork(backendsCalls: 5, creations: 3))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Runs one invocation in this process (a fresh discovery session, as a new process would have).
    @discardableResult
    /// `database` replaces the batch's SQLite file (an in-memory system database).
    func run(
        _ variant: String, index: Int = 0, errors: [Bool] = [false, false], database: SystemDatabaseConnector? = nil
    ) throws -> InvocationOutcome {
        var collected: [WorkerEvent] = []
        let runner = InvocationRunner(
            services: InvocationServices(batch: batch, database: database) { collected.append($0) })
        try runner.run(
            InvocationSpec(
                index: index, ordinal: index, variant: variant, job: "job-\(index % 2)",
                stateID: "\(variant):job-\(index % 2)", errorAtInit: errors))
        events += collected
        guard let outcome = collected.last(where: { $0.event == .invocationFinished })?.outcome else {
            throw PipelineError("no invocation_finished event")
        }
        return outcome
    }

    func phases(of index: Int) -> [Phase: PhaseRecord] {
        Dictionary(
            events.filter { $0.invocation == index }.compactMap(\.phase).map { ($0.phase, $0) },
            uniquingKeysWith: { a, _ in a })
    }
}

/// A cost profile of exactly these units, for tests that need known costs.
func profile(_ units: [CostUnit: Double]) -> CostProfile {
    CostProfile(
        name: "test", description: "", file: nil,
        units: Dictionary(
            uniqueKeysWithValues: units.map {
                ($0.key.rawValue, CostProfile.UnitCost(value: $0.value, source: "test"))
            }))
}
