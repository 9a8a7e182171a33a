import Model
import Yams

/// Reads a scenario file's `jobs:` list (docs/workload.md): one mapping per job with its `name`,
/// `runs`, and any of its own sizes and `assumed.*` seconds. Every value is checked by the key it
/// stands for; an error names the file, the line and the key (`jobs[3].runs`).
enum JobListParser {
    static func parse(_ sequence: Node.Sequence, file: String) throws -> [JobEntry] {
        var entries: [JobEntry] = []
        var seen: [String: String] = [:]
        for (i, item) in sequence.enumerated() {
            let location = "\(file):\(item.mark?.line ?? sequence.mark?.line ?? 0)"
            guard case .mapping(let mapping) = item else {
                throw ScenarioError(
                    location: location, key: "jobs[\(i)]", problem: "expected a mapping with name, runs and sizes")
            }
            let entry = try parse(mapping, index: i, location: location, file: file)
            if let first = seen[entry.name] {
                throw ScenarioError(
                    location: location, key: "jobs[\(i)].name",
                    problem: "job '\(entry.name)' is listed twice (first at \(first))")
            }
            seen[entry.name] = location
            entries.append(entry)
        }
        guard !entries.isEmpty else {
            throw ScenarioError(
                location: "\(file):\(sequence.mark?.line ?? 0)", key: "jobs", problem: "the list of jobs is empty")
        }
        return entries
    }

    static func parse(_ mapping: Node.Mapping, index i: Int, location: String, file: String) throws -> JobEntry {
        var values: [String: ScenarioValue] = [:]
        try flatten(mapping, prefix: "", index: i, file: file, into: &values)
        func required<V>(_ key: ScenarioKey<V>) throws -> V {
            guard values[key.name] != nil else {
                throw ScenarioError(location: location, key: "jobs[\(i)].\(key.name)", problem: "missing")
            }
            return key.value(in: values)
        }
        let name = try required(JobEntry.nameKey)
        guard !name.isEmpty else {
            throw ScenarioError(location: location, key: "jobs[\(i)].name", problem: "must not be empty")
        }
        let runs = try required(JobEntry.runsKey)
        let records = values[JobEntry.recordsKey.name] != nil ? JobEntry.recordsKey.value(in: values) : nil
        var own: [String: ScenarioValue] = [:]
        for (jobName, key) in JobEntry.ownKeys { if let v = values[jobName] { own[key.name] = v } }
        return JobEntry(name: name, runs: runs, records: records, values: own, origin: location)
    }

    /// The job's keys by the names a job uses, nested `assumed:` flattened to `assumed.start_seconds`.
    static func flatten(
        _ mapping: Node.Mapping, prefix: String, index i: Int, file: String, into values: inout [String: ScenarioValue]
    ) throws {
        let keys =
            [JobEntry.nameKey.erased, JobEntry.runsKey.erased, JobEntry.recordsKey.erased]
            .map { ($0.name, $0) } + JobEntry.ownKeys.map { ($0.name, $0.key) }
        for (keyNode, valueNode) in mapping {
            let location = "\(file):\(keyNode.mark?.line ?? 0)"
            guard case .scalar(let scalar) = keyNode else {
                throw ScenarioError(location: location, key: "jobs[\(i)]", problem: "keys must be plain names")
            }
            let name = prefix + ScenarioKeys.canonicalName(scalar.string)
            if name == "assumed", case .mapping(let inner) = valueNode {
                try flatten(inner, prefix: "assumed.", index: i, file: file, into: &values)
                continue
            }
            let current = ScenarioKeys.key(named: name)?.name ?? name
            guard let (jobName, key) = keys.first(where: { $0.0 == current }) else {
                let known = keys.map(\.0).joined(separator: ", ")
                throw ScenarioError(
                    location: location, key: "jobs[\(i)].\(name)", problem: "unknown key (a job may set: \(known))")
            }
            guard values[jobName] == nil else {
                throw ScenarioError(location: location, key: "jobs[\(i)].\(name)", problem: "duplicate key")
            }
            let raw = try ScenarioLoader.typed(valueNode, for: key, location: location)
            switch key.check(raw) {
            case .success(let v): values[jobName] = v
            case .failure(let why):
                throw ScenarioError(location: location, key: "jobs[\(i)].\(name)", problem: why.text)
            }
        }
    }

    /// `production.runs` is the jobs' runs summed: set from the list, or checked against it when the file gives it.
    static func settle(_ jobs: [JobEntry], values: inout [String: ScenarioValue], origins: inout [String: String])
        throws
    {
        let key = ScenarioKeys.table.productionRuns
        let total = jobs.reduce(0) { $0 + $1.runs }
        if let given = origins[key.name], key.value(in: values) != total {
            throw ScenarioError(
                location: given, key: key.name,
                problem:
                    "is \(key.value(in: values)), but the jobs' runs add up to \(total) (leave it out: it is their sum)"
            )
        }
        values[key.name] = .int(total)
        origins[key.name] = origins[key.name] ?? "the sum of the jobs' runs"
    }

    /// With a list, `jobs` and `production.runs` come from it (not the command line), and every job
    /// needs an invocation.
    static func check(_ jobs: [JobEntry]?, values: [String: ScenarioValue], origins: [String: String]) throws {
        let k = ScenarioKeys.table
        // Alike jobs past the invocations simply never run, as before.
        guard let jobs else { return }
        for key in [k.jobs.name, k.productionRuns.name] where origins[key]?.hasPrefix("command line") == true {
            throw ScenarioError(
                location: origins[key]!, key: key,
                problem: "the scenario lists its jobs; \(key) comes from that list and cannot be set here")
        }
        let invocations = k.invocations.value(in: values)
        if invocations < jobs.count {
            throw ScenarioError(
                location: origins[k.invocations.name] ?? "default", key: k.invocations.name,
                problem:
                    "is \(invocations), fewer than the \(jobs.count) jobs listed: each job needs at least one invocation"
            )
        }
    }
}
