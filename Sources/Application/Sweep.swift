import Analysis
import Foundation
import Model
import Pipeline
import ProcessControl
import Report
import Scenario

/// One knob of a sweep and the values it takes, typed as its key is.
public struct SweepAxis: Sendable {
    public let key: String
    /// The flag that gave the values (`--packages`, `--set`), for messages.
    public let flag: String
    /// Each value in the key's type (`AnyScenarioKey.convert`), distinct as values: `0.1,0.10` is
    /// refused as one value twice, and a range's values are never rounded into each other by
    /// how they print. A value the key cannot read stays text, for the loader to refuse with its
    /// location.
    public let values: [ScenarioValue]

    /// How each value prints in tables, charts and `--set` (the shortest text that reads back as it).
    public var labels: [String] { values.map(\.description) }

    /// The most values one range `start:end:step` spans.
    public static let maximumRangeValues = 1_000

    /// Parses `a,b,c` or a range `start:end:step` (inclusive), or nil for a single value. A range's
    /// ends and step are numbers of the grammar (`NumberGrammar`) and span at most `maximumRangeValues`.
    public static func parse(key: String, text: String, flag: String = "--set") throws -> SweepAxis? {
        func refuse(_ problem: String) -> ScenarioError {
            ScenarioError(location: "command line (\(flag))", key: key, problem: problem)
        }
        let texts: [String]
        let declared = ScenarioKeys.key(named: key)
        // Only a number's value can be a range: a URL (`--systemdb postgresql://h:5432/db`) has colons too.
        let numeric = declared.map {
            if case .int = $0.kind { true } else if case .double = $0.kind { true } else { false }
        }
        let parts = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        if numeric ?? true, parts.count == 3 {
            guard let start = NumberGrammar.number(parts[0]), let end = NumberGrammar.number(parts[1]),
                let step = NumberGrammar.number(parts[2]), step > 0,
                end >= start
            else {
                throw refuse("expected a range start:end:step with step > 0, got '\(text)'")
            }
            // Counted as a Double first: `0:1e20:1` spans more values than an Int holds, `0:1e308:1e-308` infinitely many.
            let steps = ((end - start) / step + 1e-9).rounded(.down)
            guard steps.isFinite, steps < Double(maximumRangeValues) else {
                throw refuse("range '\(text)' has over \(maximumRangeValues.formatted()) values")
            }
            texts = (0...Int(steps)).map { i in
                // 15 significant digits drop the sum's rounding error (0.1 × 3 is 0.3, not 0.30000000000000004).
                let v = start + Double(i) * step
                return ScenarioValue.format(Double(String(format: "%.15g", v)) ?? v)
            }
        } else {
            texts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard texts.count > 1 else { return nil }
        }
        let values = texts.map { (try? declared?.convert($0).get()) ?? .string($0) }
        var seen: [ScenarioValue: String] = [:]
        for (value, spelled) in zip(values, texts) {
            if let first = seen[value] {
                throw refuse(
                    first == spelled
                        ? "'\(spelled)' is listed twice" : "'\(first)' and '\(spelled)' are the same value")
            }
            seen[value] = spelled
        }
        return SweepAxis(key: key, flag: flag, values: values)
    }
}

/// Runs the scenario once per cell of a knob grid, and tabulates each variant's regression.
public struct Sweep {
    public struct Cell: Codable, Sendable {
        /// Each swept key's value in this cell as the loaded scenario holds it: the cell's place in
        /// the grid, which the report groups and finds cells by.
        public var knobs: [String: ScenarioValue]
        public var folder: String
        public var complete: Bool
        public var variants: [String: Interval]
        public var topPhase: [String: Phase]
        /// The cell's run: its wall seconds.
        public var wallSeconds: Double? = nil
        /// A fleet run: per variant, its statement latency, lock waits and queueing.
        public var fleet: [String: FleetCellNumbers]? = nil
    }

    public let axes: [SweepAxis]
    /// Loads the scenario with one cell's knob values applied (validation errors surface here).
    public let load: ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    public let options: Simulation.Options
    /// How each cell's workers start; nil for this machine's processes (as `Simulation`).
    let launcher: WorkerLauncherFactory?

    public init(
        axes: [SweepAxis], options: Simulation.Options, launcher: WorkerLauncherFactory? = nil,
        load: @escaping ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    ) {
        self.axes = axes
        self.options = options
        self.launcher = launcher
        self.load = load
    }

    /// The most cells a sweep runs. Each cell is a whole run (seconds to minutes), and every cell's
    /// scenario is loaded and validated before the first runs, so the grid is sized first.
    public static let maximumCells = 1_000

    /// The number of cells of `axes`, counted without building the grid; a `ScenarioError` naming
    /// the flags and the count when it is over `maximumCells`.
    @discardableResult
    public static func checkSize(of axes: [SweepAxis]) throws -> Int {
        // A Double holds any product of list lengths without overflow; an Int past the bound is never made.
        let cells = axes.reduce(1.0) { $0 * Double($1.values.count) }
        guard cells <= Double(maximumCells) else {
            let flags = axes.map(\.flag).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let sizes = axes.map { "\($0.values.count.formatted()) \($0.key)" }.joined(separator: " × ")
            throw ScenarioError(
                location: "command line (\(flags.joined(separator: ", ")))", key: nil,
                problem:
                    "the sweep grid has \(cells.formatted(.number.precision(.fractionLength(0)))) cells (\(sizes)), "
                    + "over the limit of \(maximumCells.formatted()) cells")
        }
        return Int(cells)
    }

    /// Every combination of the axes' values, first axis slowest.
    public var grid: [[ScenarioOverride]] {
        axes.reduce([[]]) { partial, axis in
            partial.flatMap { prefix in
                axis.values.map { prefix + [ScenarioOverride(key: axis.key, text: $0.description, flag: "sweep")] }
            }
        }
    }

    /// Validates every cell before writing anything, then runs them in order into `folder/cell-NN/`.
    public func run(into folder: URL, progress: (Int, Int) -> Void) throws -> [Cell] {
        try Self.checkSize(of: axes)
        let loaded = try grid.map { try load($0) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cells: [Cell] = []
        for (k, (cell, (scenario, costs))) in zip(grid, loaded).enumerated() {
            progress(k + 1, loaded.count)
            var o = options
            o.output = folder.appendingPathComponent(String(format: "cell-%02d", k + 1))
            o.progress = false
            let result = try Simulation(scenario: scenario, costProfile: costs, options: o, launcher: launcher).run()
            var intervals: [String: Interval] = [:]
            var top: [String: Phase] = [:]
            for v in result.summary.variants {
                if let r = v.regressionMinutes { intervals[v.name] = r }
                if let t = v.topPhase { top[v.name] = t }
            }
            cells.append(
                Cell(
                    knobs: Self.coordinates(of: scenario, cell: cell),
                    folder: o.output!.lastPathComponent, complete: result.summary.complete, variants: intervals,
                    topPhase: top, wallSeconds: result.summary.wallSeconds,
                    fleet: result.summary.fleet.map { fleet in
                        Dictionary(uniqueKeysWithValues: fleet.variants.map { ($0.name, FleetCellNumbers($0)) })
                    }))
            if interruptedBySignal { break }  // the cells so far are reported; the rest never start
        }
        return cells
    }

    /// Each swept key's value as `scenario`, loaded with the `cell`'s overrides, holds it (typed
    /// and checked by the loader).
    static func coordinates(of scenario: Scenario, cell: [ScenarioOverride]) -> [String: ScenarioValue] {
        Dictionary(
            cell.map { o in
                (o.key, scenario.values[ScenarioKeys.key(named: o.key)?.name ?? o.key] ?? .string(o.text))
            },
            uniquingKeysWith: { first, _ in first })
    }
}
