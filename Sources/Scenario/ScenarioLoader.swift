import Foundation
import Model
import Yams

/// A knob set on the command line: `--error-rate 0.2` or `--set error_rate=0.2`.
public struct ScenarioOverride: Sendable {
    public let key: String
    public let text: String
    /// How the user spelled it, for error messages (`--error-rate`, `--set`).
    public let flag: String

    public init(key: String, text: String, flag: String) {
        self.key = key
        self.text = text
        self.flag = flag
    }

    /// Parses `key=value` as given to `--set`.
    public static func parseSet(_ assignment: String) throws -> ScenarioOverride {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            throw ScenarioError(
                location: "command line (--set)", key: nil, problem: "expected key=value, got '\(assignment)'")
        }
        let key = assignment[..<eq].trimmingCharacters(in: .whitespaces)
        let value = String(assignment[assignment.index(after: eq)...])
        return ScenarioOverride(key: ScenarioKeys.canonicalName(key), text: value, flag: "--set")
    }
}

/// Finds, parses and validates scenario files.
public enum ScenarioLoader {
    /// The largest scenario file read: a hand-written one is a few KiB, one made from a fleet's
    /// logs about 400 bytes a job, so 10,000 jobs fit (docs/usage.md).
    public static let maxFileBytes = 8 << 20

    /// Sections whose nested keys are flattened to `section.key`, at any depth (`http`, `http.api`).
    static let sections: Set<String> = Set(
        ScenarioKeys.all.flatMap { k in
            let parts = k.name.split(separator: ".")
            return (1..<max(parts.count, 1)).map { parts[..<$0].joined(separator: ".") }
        })

    /// Resolves `--scenario NAME|PATH`: a path is taken as is; a name is looked up as
    /// `scenarios/NAME.yaml` in the current folder, then next to the binary's package.
    public static func locate(_ nameOrPath: String, currentDirectory: URL, executable: URL) throws -> URL {
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if looksLikePath {
            let url = URL(fileURLWithPath: nameOrPath, relativeTo: currentDirectory).standardizedFileURL
            switch FileKind.of(url.path) {
            case .regular: return url
            case .missing: throw ScenarioError(location: nameOrPath, key: nil, problem: "no such file")
            case .directory:
                throw ScenarioError(location: nameOrPath, key: nil, problem: "is a directory, not a scenario file")
            case let kind: throw ScenarioError(location: nameOrPath, key: nil, problem: kind.description)
            }
        }
        for folder in scenarioFolders(currentDirectory: currentDirectory, executable: executable) {
            let url = folder.appendingPathComponent("\(nameOrPath).yaml")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        let known = scenarioFolders(currentDirectory: currentDirectory, executable: executable)
            .flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0.path)) ?? [] }
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        let list = Array(Set(known)).sorted().joined(separator: ", ")
        throw ScenarioError(
            location: "--scenario", key: nil,
            problem: "no scenario named '\(nameOrPath)' (known: \(list.isEmpty ? "none found" : list))")
    }

    /// `scenarios/` folders to search: the current folder's, then those above the executable
    /// (`.build/release/simulate` lives three levels below the package root).
    public static func scenarioFolders(currentDirectory: URL, executable: URL) -> [URL] {
        var folders = [currentDirectory.appendingPathComponent("scenarios")]
        var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("scenarios")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(".").path),
                !folders.contains(where: { $0.standardizedFileURL == candidate.standardizedFileURL })
            {
                folders.append(candidate)
            }
            dir = dir.deletingLastPathComponent()
        }
        return folders
    }

    /// Loads `file`, applies `overrides` in order, and validates everything.
    /// - Parameter displayName: how to name the file in errors and the report (defaults to its path).
    public static func load(file: URL, displayName: String? = nil, overrides: [ScenarioOverride] = []) throws
        -> Scenario
    {
        let shown = displayName ?? file.path
        // Checked before opening: a FIFO would block the read, a device would never end.
        switch FileKind.of(file.path) {
        case .regular, .missing, .inaccessible: break
        case let kind: throw ScenarioError(location: shown, key: nil, problem: kind.notAFile ?? kind.description)
        }
        switch InputFile.readAll(file.path, limit: maxFileBytes) {
        case .success(let bytes): return try load(data: bytes, displayName: shown, overrides: overrides)
        case .failure(.tooLarge): throw tooLarge(shown)
        case .failure(let failure): throw ScenarioError(location: shown, key: nil, problem: failure.description)
        }
    }

    /// Loads a scenario file's bytes: at most `maxFileBytes`, UTF-8 without NUL, then as YAML.
    /// `scenario --from-logs` checks what it writes through here before writing it.
    public static func load(data: Data, displayName: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
        guard data.count <= maxFileBytes else { throw tooLarge(displayName) }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            throw ScenarioError(location: displayName, key: nil, problem: "is not UTF-8 text")
        }
        return try load(yaml: text, displayName: displayName, overrides: overrides)
    }

    static func tooLarge(_ file: String) -> ScenarioError {
        ScenarioError(
            location: file, key: nil, problem: "is larger than \(maxFileBytes >> 20) MiB (the limit of a scenario file)"
        )
    }

    /// Loads a scenario from YAML text (tests and `--scenario -` use this).
    public static func load(yaml text: String, displayName: String, overrides: [ScenarioOverride] = []) throws
        -> Scenario
    {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ScenarioError(
                location: displayName, key: nil, problem: "is empty; expected a mapping of scenario keys")
        }
        // Before Yams composes: it hashes every mapping key whole, aliases expanded.
        try YAMLNodeBudget.check(text, file: displayName)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw yamlProblem(error, file: displayName, text: text)
        }
        guard let root, case .mapping(let mapping) = root else {
            let line = root?.mark.map { ":\($0.line)" } ?? ""
            throw ScenarioError(
                location: displayName + line, key: nil, problem: "expected a mapping of scenario keys at the top level")
        }
        var values: [String: ScenarioValue] = [:]
        var origins: [String: String] = [:]
        var jobs: [JobEntry]?
        try flatten(mapping, prefix: "", file: displayName, into: &values, origins: &origins, jobs: &jobs)
        if let jobs { try JobListParser.settle(jobs, values: &values, origins: &origins) }
        for key in ScenarioKeys.all where values[key.name] == nil {
            values[key.name] = key.defaultValue
            origins[key.name] = "default"
        }
        try apply(overrides, to: &values, origins: &origins)
        return try validate(file: displayName, values: values, origins: origins, jobEntries: jobs)
    }

    /// Command-line overrides over a scenario's values: each typed by its key, its origin recorded.
    static func apply(
        _ overrides: [ScenarioOverride], to values: inout [String: ScenarioValue], origins: inout [String: String]
    )
        throws
    {
        for override in overrides {
            let location = "command line (\(override.flag))"
            guard let key = ScenarioKeys.key(named: override.key) else {
                throw ScenarioError(location: location, key: override.key, problem: "unknown key")
            }
            switch key.parse(commandLine: override.text) {
            case .success(let v):
                values[key.name] = v
                origins[key.name] = location
            case .failure(let why): throw ScenarioError(location: location, key: key.name, problem: why.text)
            }
        }
    }

    static func yamlProblem(_ error: YamlError, file: String, text: String) -> ScenarioError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams reports the mapping, not the key: find the key's lines within that mapping.
            let key = duplicates.sorted().first ?? "?"
            let found = DuplicateKeyLocator(text: text).locate(key, mappingLine: context.mark.line)
            let first = found.lines.first ?? context.mark.line
            let second = found.lines.dropFirst().first ?? context.mark.line
            return ScenarioError(
                location: "\(file):\(second)", key: found.dottedName,
                problem: "duplicate key (first set at \(file):\(first))")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ScenarioError(location: "\(file):\(mark.line)", key: nil, problem: "YAML syntax error: \(problem)")
        case .reader(let problem, _, _, _):
            return ScenarioError(location: file, key: nil, problem: "unreadable YAML: \(problem)")
        default:
            return ScenarioError(location: file, key: nil, problem: "YAML error: \(error)")
        }
    }

    static func flatten(
        _ mapping: Node.Mapping, prefix: String, file: String,
        into values: inout [String: ScenarioValue], origins: inout [String: String], jobs: inout [JobEntry]?
    ) throws {
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? valueNode.mark?.line ?? 0
            let location = "\(file):\(line)"
            guard case .scalar(let scalar) = keyNode else {
                throw ScenarioError(location: location, key: nil, problem: "keys must be plain names")
            }
            let name = prefix + scalar.string
            if sections.contains(name) {
                guard case .mapping(let inner) = valueNode else {
                    throw ScenarioError(location: location, key: name, problem: "expected a mapping of \(name).* keys")
                }
                try flatten(inner, prefix: name + ".", file: file, into: &values, origins: &origins, jobs: &jobs)
                continue
            }
            if name == ScenarioKeys.table.jobs.name, case .sequence(let list) = valueNode {
                jobs = try JobListParser.parse(list, file: file)
                values[name] = .int(jobs?.count ?? 0)
                origins[name] = location
                continue
            }
            guard let key = ScenarioKeys.key(named: name) else {
                throw ScenarioError(location: location, key: name, problem: "unknown key")
            }
            if let earlier = origins[key.name] {
                throw ScenarioError(location: location, key: name, problem: "duplicate key (first set at \(earlier))")
            }
            let raw = try typed(valueNode, for: key, location: location)
            switch key.check(raw) {
            case .success(let v):
                values[key.name] = v
                origins[key.name] = location
            case .failure(let why): throw ScenarioError(location: location, key: name, problem: why.text)
            }
        }
    }

    /// Converts a YAML node to the key's type without guessing across types (a quoted "3" is no integer).
    static func typed(_ node: Node, for key: AnyScenarioKey, location: String) throws -> ScenarioValue {
        func fail(_ what: String) -> ScenarioError {
            ScenarioError(location: location, key: key.name, problem: what)
        }
        switch key.kind {
        case .list:
            switch node {
            case .sequence(let seq):
                return .list(
                    try seq.map { item -> String in
                        guard case .scalar(let s) = item, !s.string.isEmpty else {
                            throw fail("expected a list of names")
                        }
                        return s.string
                    })
            case .scalar(let s):
                return .list(
                    s.string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                        !$0.isEmpty
                    })
            default:
                throw fail("expected a list")
            }
        case .int:
            guard case .scalar(let s) = node else { throw fail("expected an integer") }
            guard s.style == .plain, let v = NumberGrammar.integer(s.string) else {
                throw fail("expected an integer, got '\(s.string)'")
            }
            return .int(v)
        case .double:
            guard case .scalar(let s) = node else { throw fail("expected a number") }
            guard s.style == .plain, let v = NumberGrammar.number(s.string) else {
                throw fail("expected a number, got '\(s.string)'")
            }
            return .double(v)
        case .string, .choice:
            guard case .scalar(let s) = node else { throw fail("expected a string") }
            if s.style == .plain, s.string == "~" || s.string == "null" { throw fail("expected a string, got null") }
            return .string(s.string)
        }
    }

    static func validate(
        file: String, values: [String: ScenarioValue], origins: [String: String], jobEntries: [JobEntry]? = nil
    ) throws -> Scenario {
        func where_(_ key: String) -> String { origins[key] ?? file }
        let k = ScenarioKeys.table
        try JobListParser.check(jobEntries, values: values, origins: origins)
        // The name becomes a folder under the output root: one path component, nothing the shell or
        // the file system reads specially.
        let name = k.name.value(in: values)
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "._-".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, name.count <= 64, allowed, !name.hasPrefix(".") else {
            throw ScenarioError(
                location: where_(k.name.name), key: k.name.name,
                problem:
                    "'\(name)' is not a plain name: use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'"
            )
        }
        if let problem = SystemDatabaseLocator.problem(systemdb: k.systemdb.value(in: values)) {
            throw ScenarioError(location: where_(k.systemdb.name), key: k.systemdb.name, problem: problem)
        }
        if let problem = HTTPServerLocator.problem(bindAddress: k.http.bindAddress.value(in: values)) {
            throw ScenarioError(
                location: where_(k.http.bindAddress.name), key: k.http.bindAddress.name, problem: problem)
        }
        if let problem = HTTPServerLocator.problem(advertiseAddress: k.http.advertiseAddress.value(in: values)) {
            throw ScenarioError(
                location: where_(k.http.advertiseAddress.name), key: k.http.advertiseAddress.name, problem: problem)
        }
        let names = k.variants.value(in: values)
        guard !names.isEmpty else {
            throw ScenarioError(
                location: where_(k.variants.name), key: k.variants.name, problem: "at least one variant is needed")
        }
        let catalogue = try ReleaseProfileFiles.standard.get()
        var variants: [Variant] = []
        for name in names {
            let v: Variant
            do { v = try ReleaseProfileFiles.resolveVariant(name, in: catalogue) } catch let why as KeyProblem {
                throw ScenarioError(location: where_(k.variants.name), key: k.variants.name, problem: why.text)
            }
            if variants.contains(where: { $0.name == v.name }) {
                throw ScenarioError(
                    location: where_(k.variants.name), key: k.variants.name,
                    problem: "variant '\(name)' is listed twice")
            }
            variants.append(v)
        }
        let baselineName = k.baseline.value(in: values)
        guard let baseline = variants.first(where: { $0.name == baselineName }) else {
            throw ScenarioError(
                location: where_(k.baseline.name), key: k.baseline.name,
                problem: "'\(baselineName)' is not one of the variants (\(names.joined(separator: ", ")))")
        }
        let observedKey = k.observedRegressedVariant.name
        let observed = k.observedRegressedVariant.value(in: values)
        if !observed.isEmpty, !names.contains(observed), origins[observedKey]?.hasPrefix("command line") == true {
            throw ScenarioError(
                location: where_(observedKey), key: observedKey,
                problem: "'\(observed)' is not one of the variants")
        }
        let byVariantKey = k.microbenchPackagesByVariant.name
        let byVariant = k.microbenchPackagesByVariant.value(in: values)
        guard let parsed = Scenario.variantPackages(byVariant) else {
            throw ScenarioError(
                location: where_(byVariantKey), key: byVariantKey,
                problem:
                    "expected VARIANT=N entries with N from 1 to \(ScenarioKeys.maxPackages) (\(ScenarioKeys.packagesBound)), got '\(byVariant.joined(separator: ", "))'"
            )
        }
        if origins[byVariantKey]?.hasPrefix("command line") == true,
            let unknown = parsed.keys.sorted().first(where: { !names.contains($0) })
        {
            throw ScenarioError(
                location: where_(byVariantKey), key: byVariantKey,
                problem: "'\(unknown)' is not one of the variants")
        }
        for endpoint in k.http.endpoints {
            let rates = [endpoint.errorRate, endpoint.stallRate, endpoint.dropRate]
            let keys = rates.map(\.name)
            let sum = rates.reduce(0) { $0 + $1.value(in: values) }
            if sum > 1 {
                let key = lastSet(keys, origins: origins)
                throw ScenarioError(
                    location: where_(key), key: key,
                    problem:
                        "error, stall and drop rates of '\(endpoint.endpoint)' add up to \(ScenarioValue.format(sum)), more than 1"
                )
            }
        }
        let pageBytes = k.http.pageRecords.value(in: values).multipliedReportingOverflow(
            by: k.http.recordBytes.value(in: values))
        if pageBytes.overflow || pageBytes.partialValue > ScenarioKeys.maxPageBytes {
            let key = lastSet([k.http.pageRecords.name, k.http.recordBytes.name], origins: origins)
            throw ScenarioError(
                location: where_(key), key: key,
                problem:
                    "\(k.http.pageRecords.name) × \(k.http.recordBytes.name) is above \(ScenarioKeys.maxPageBytes) bytes (a page is built whole in memory)"
            )
        }
        if k.catalogSampleLines.value(in: values) < 1 {
            throw ScenarioError(
                location: where_(k.catalogSampleLines.name), key: k.catalogSampleLines.name,
                problem: "must be at least 1")
        }
        return Scenario(
            file: file, values: values, origins: origins, variants: variants, baseline: baseline,
            jobEntries: jobEntries)
    }
}

extension ScenarioLoader {
    /// Of keys that break a rule together, the one to name: the one set last (command line over file).
    static func lastSet(_ keys: [String], origins: [String: String]) -> String {
        keys.last { origins[$0]?.hasPrefix("command line") == true } ?? keys.last { origins[$0] != "default" }
            ?? keys[0]
    }
}

extension Scenario {
    /// This scenario with more overrides applied and validated again, without reading its file:
    /// how `fit` and `sweep` make each step's scenario.
    public func applying(_ overrides: [ScenarioOverride]) throws -> Scenario {
        var values = self.values
        var origins = self.origins
        try ScenarioLoader.apply(overrides, to: &values, origins: &origins)
        return try ScenarioLoader.validate(file: file, values: values, origins: origins, jobEntries: jobEntries)
    }
}
