/// One entry of a scenario file's `jobs:` list, as given: what the job sets, the rest from the
/// scenario's top-level keys (docs/workload.md).
public struct JobEntry: Sendable, Equatable {
    public var name: String
    /// Runs in the production period.
    public var runs: Int
    /// Records the job loads per run; with no `pages` of its own, its pages are records ÷ `http.page_records`.
    public var records: Int?
    /// The job's own values of top-level keys, by the top-level key's name (`catalog_lines`,
    /// `http.pages`, `assumed.start_seconds`).
    public var values: [String: ScenarioValue]
    /// `file:line` of the entry.
    public var origin: String

    public init(name: String, runs: Int, records: Int?, values: [String: ScenarioValue], origin: String) {
        self.name = name
        self.runs = runs
        self.records = records
        self.values = values
        self.origin = origin
    }

    /// The keys a job may set for itself, by the name it uses (`pages` for `http.pages`), declared once.
    public static let ownKeys: [(name: String, key: AnyScenarioKey)] = {
        let k = ScenarioKeys.table
        let assumed = Scenario.assumedKeys.map { (name: $0.name, key: $0.erased) }
        return [
            (k.catalogLines.name, k.catalogLines.erased), (k.stateMessages.name, k.stateMessages.erased),
            ("pages", k.http.pages.erased),
        ] + assumed
    }()

    /// The job keys besides `ownKeys`, typed and bounded like scenario keys.
    public static let nameKey = ScenarioKey<String>(
        "name", default: "", help: "the job's name (its state id in the logs)")
    public static let runsKey = ScenarioKey<Int>(
        "runs", range: 1...10_000_000, default: 1, help: "the job's runs in the production period",
        bound: "a production count, only multiplied")
    public static let recordsKey = ScenarioKey<Int>(
        "records", range: 0...ScenarioKeys.productionCount, default: 0,
        help: "records the job loads per run (its pages: records ÷ http.page_records)",
        bound: "a production count, only extrapolated from the sample")
}

extension Scenario {
    /// The top-level `assumed.*` key of each assumed phase, in `Phase.assumed` order.
    public static var assumedKeys: [ScenarioKey<Double>] {
        let k = ScenarioKeys.table
        return [
            k.assumedStartSeconds, k.assumedPrePluginSeconds, k.assumedExtractionSeconds, k.assumedTargetTailSeconds,
            k.assumedLoadFinalizeSeconds, k.assumedStateWriteSeconds,
        ]
    }

    /// The workload's jobs: from the file's list, or `jobs` alike ones with an equal share each.
    /// A top-level key set on the command line overrides every job's own value (`fit` and `sweep`
    /// move a knob for the whole workload).
    static func jobs(entries: [JobEntry]?, values: [String: ScenarioValue], origins: [String: String]) -> [WorkloadJob]
    {
        func top<V>(_ key: ScenarioKey<V>) -> V { key.value(in: values) }
        func own<V>(_ key: ScenarioKey<V>, _ entry: JobEntry) -> V {
            if origins[key.name]?.hasPrefix("command line") == true { return top(key) }
            return entry.values[key.name].flatMap(V.init(scenarioValue:)) ?? top(key)
        }
        let k = ScenarioKeys.table
        guard let entries else {
            let count = top(k.jobs)
            return (0..<count).map { j in
                WorkloadJob(
                    name: "tap-matatika-\(j)-to-target-snowflake", runs: 1, catalogLines: top(k.catalogLines),
                    stateMessages: top(k.stateMessages), pages: top(k.http.pages),
                    assumedSeconds: assumedKeys.map(top))
            }
        }
        let pageRecords = max(1, top(k.http.pageRecords))
        return entries.map { entry in
            var pages = own(k.http.pages, entry)
            if entry.values[k.http.pages.name] == nil, origins[k.http.pages.name]?.hasPrefix("command line") != true,
                let records = entry.records
            {
                pages = (records + pageRecords - 1) / pageRecords
            }
            return WorkloadJob(
                name: entry.name, runs: entry.runs, catalogLines: own(k.catalogLines, entry),
                stateMessages: own(k.stateMessages, entry), pages: pages,
                assumedSeconds: assumedKeys.map { own($0, entry) })
        }
    }
}
