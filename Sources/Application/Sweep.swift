import Analysis
import Foundation
import Model
import Pipeline
import ProcessControl
import Report
import Scenario

/// One knob of a sweep and the values it takes.
public struct SweepAxis: Sendable {
    public let key: String
    public let values: [String]

    /// Parses `a,b,c` or a range `start:end:step` (inclusive), or nil for a single value.
    public static func parse(key: String, text: String) throws -> SweepAxis? {
        let parts = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 3 {
            guard let start = NumberGrammar.number(parts[0]), let end = NumberGrammar.number(parts[1]),
                let step = NumberGrammar.number(parts[2]), step > 0,
                end >= start
            else {
                throw ScenarioError(
                    location: "command line", key: key,
                    problem: "expected a range start:end:step with step > 0, got '\(text)'")
            }
            let count = Int(((end - start) / step + 1e-9).rounded(.down)) + 1
            guard count <= 1000 else {
                throw ScenarioError(location: "command line", key: key, problem: "range '\(text)' has over 1000 values")
            }
            let isInt = [start, end, step].allSatisfy { $0 == $0.rounded() }
            return SweepAxis(
                key: key,
                values: (0..<count).map { i in
                    let v = start + Double(i) * step
                    return isInt ? String(Int(v)) : String(format: "%g", v)
                })
        }
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return values.count > 1 ? SweepAxis(key: key, values: values) : nil
    }
}

/// Runs the scenario once per cell of a knob grid, and tabulates each variant's regression.
public struct Sweep {
    public struct Cell: Codable, Sendable {
        public var knobs: [String: String]
        public var folder: String
        public var complete: Bool
        public var variants: [String: Interval]
        public var topPhase: [String: Phase]
    }

    public let axes: [SweepAxis]
    /// Loads the scenario with one cell's knob values applied (validation errors surface here).
    public let load: ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    public let options: Simulation.Options

    public init(
        axes: [SweepAxis], options: Simulation.Options,
        load: @escaping ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    ) {
        self.axes = axes
        self.options = options
        self.load = load
    }

    /// Every combination of the axes' values, first axis slowest.
    public var grid: [[ScenarioOverride]] {
        axes.reduce([[]]) { partial, axis in
            partial.flatMap { prefix in
                axis.values.map { prefix + [ScenarioOverride(key: axis.key, text: $0, flag: "sweep")] }
            }
        }
    }

    /// Validates every cell before writing anything, then runs them in order into `folder/cell-NN/`.
    public func run(into folder: URL, progress: (Int, Int) -> Void) throws -> [Cell] {
        let loaded = try grid.map { try load($0) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cells: [Cell] = []
        for (k, (cell, (scenario, costs))) in zip(grid, loaded).enumerated() {
            progress(k + 1, loaded.count)
            var o = options
            o.output = folder.appendingPathComponent(String(format: "cell-%02d", k + 1))
            o.progress = false
            let result = try Simulation(scenario: scenario, costProfile: costs, options: o).run()
            var intervals: [String: Interval] = [:]
            var top: [String: Phase] = [:]
            for v in result.summary.variants {
                if let r = v.regressionMinutes { intervals[v.name] = r }
                if let t = v.topPhase { top[v.name] = t }
            }
            cells.append(
                Cell(
                    knobs: Dictionary(uniqueKeysWithValues: cell.map { ($0.key, $0.text) }),
                    folder: o.output!.lastPathComponent, complete: result.summary.complete, variants: intervals,
                    topPhase: top))
            if interruptedBySignal { break }  // the cells so far are reported; the rest never start
        }
        return cells
    }
}
