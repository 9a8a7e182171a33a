import Analysis
import Foundation
import Logs
import Model
import Pipeline
import ProcessControl
import Scenario

/// Finds the value of one knob that makes a variant's estimated regression equal an observed one:
/// each step is a real run (baseline and that variant only), bracketing then bisection.
public struct Fit {
    /// A knob `fit` can move and the range it searches.
    public struct Range: Sendable {
        public let key: String
        public let lower: Double
        public let upper: Double
        public let integer: Bool
        public let tolerance: Double

        /// An integer knob, searched on integers.
        init(_ key: ScenarioKey<Int>, lower: Int, upper: Int, tolerance: Int) {
            self.key = key.name
            self.lower = Double(lower)
            self.upper = Double(upper)
            integer = true
            self.tolerance = Double(tolerance)
        }

        /// A real-valued knob.
        init(_ key: ScenarioKey<Double>, lower: Double, upper: Double, tolerance: Double) {
            self.key = key.name
            self.lower = lower
            self.upper = upper
            integer = false
            self.tolerance = tolerance
        }

        /// The knob's value at `x`, as the scenario takes it (full precision: no rounding round trip).
        public func text(_ x: Double) -> String { integer ? String(Int(x.rounded())) : ScenarioValue.format(x) }
    }

    /// The largest observed change `fit` takes, in minutes either way (about 1,900 years): past it no
    /// knob in range comes near, and the number is a typing slip.
    public static let observedMinutesBound: Double = 1_000_000_000

    /// The knobs `fit` can move, by scenario key.
    public static let ranges: [Range] = [
        Range(ScenarioKeys.table.catalogLines, lower: 0, upper: 2_000_000, tolerance: 2_000),
        Range(ScenarioKeys.table.packages, lower: 1, upper: 10_000, tolerance: 25),
        Range(ScenarioKeys.table.errorRate, lower: 0, upper: 1, tolerance: 0.01),
    ]

    /// The range of a knob named in either spelling (`catalog-lines` or `catalog_lines`).
    public static func range(for knob: String) -> Range? {
        let key = ScenarioKeys.canonicalName(knob)
        return ranges.first { $0.key == key }
    }

    /// The knobs as the command line spells them.
    public static var knobNames: [String] { ranges.map { ScenarioKeys.commandLineName($0.key) } }

    public struct Result: Sendable {
        public var knob: String
        public var variant: String
        public var observedMinutes: Double
        public var outcome: Bisection.Outcome
        public var steps: [Bisection.Step]
        public var sentence: String
    }

    public let knob: String
    public let observedMinutes: Double
    /// Fit to this log phase's observed change (the scenario's production logs) instead of the total.
    public var observedPhase: LogPhase? = nil
    public let load: ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    public let options: Simulation.Options

    public init(
        knob: String, observedMinutes: Double, options: Simulation.Options,
        load: @escaping ([ScenarioOverride]) throws -> (Scenario, CostProfile)
    ) {
        self.knob = knob
        self.observedMinutes = observedMinutes
        self.options = options
        self.load = load
    }

    public func run(into folder: URL, variant requested: String?, progress: (String) -> Void) throws -> Result {
        guard let spec = Self.range(for: knob) else { throw PipelineError("unknown knob \(knob)") }
        let (scenario, _) = try load([])
        let baseline = scenario.baseline.name
        let variant = requested ?? scenario.focalVariant
        var step = 0
        let bisection = Bisection(
            lower: spec.lower, upper: spec.upper, integer: spec.integer, tolerance: spec.tolerance)
        let (outcome, steps) = try bisection.solve(target: observedMinutes) { x in
            step += 1
            let text = spec.text(x)
            progress("step \(step): \(spec.key) = \(text)")
            let (s, costs) = try load([
                ScenarioOverride(key: spec.key, text: text, flag: "fit"),
                ScenarioOverride(key: ScenarioKeys.table.variants.name, text: "\(baseline),\(variant)", flag: "fit"),
            ])
            var o = options
            o.output = folder.appendingPathComponent(String(format: "step-%02d", step))
            o.progress = false
            let summary = try Simulation(scenario: s, costProfile: costs, options: o).run().summary
            // A step from an interrupted run is not a point to bisect on.
            if interruptedBySignal { throw FitInterrupted(step: step, folder: o.output!.path) }
            // Nor is an incomplete one: its estimate stands on part of its invocations, or on none.
            if !summary.complete {
                throw FitStepIncomplete(step: step, folder: o.output!.path, why: summary.outcome?.reasonText ?? "")
            }
            if let phase = observedPhase {
                // The simulated minutes the model puts in that log phase (a sum of phase means: no interval).
                let y = summary.observed?.rows.first { $0.phase == phase }?.simulatedMinutes ?? 0
                return Bisection.Step(x: x, y: y, low: y, high: y)
            }
            let r =
                summary.variants.first { $0.name == variant }?.regressionMinutes
                ?? Interval(estimate: 0, low: 0, high: 0, level: 0.95)
            return Bisection.Step(x: x, y: r.estimate, low: r.low, high: r.high)
        }
        return Result(
            knob: spec.key, variant: variant, observedMinutes: observedMinutes, outcome: outcome, steps: steps,
            sentence: sentence(outcome, key: spec.key, variant: variant, integer: spec.integer, scenario: scenario))
    }

    struct FitInterrupted: Error, CustomStringConvertible {
        let step: Int
        let folder: String
        var description: String { "fit interrupted at step \(step) (its incomplete run is in \(folder)); no answer" }
    }

    struct FitStepIncomplete: Error, CustomStringConvertible {
        let step: Int
        let folder: String
        let why: String
        var description: String {
            "fit step \(step) is INCOMPLETE (\(why.isEmpty ? "see its report" : why); its run is in \(folder)); no answer"
        }
    }

    func sentence(_ outcome: Bisection.Outcome, key: String, variant: String, integer: Bool, scenario: Scenario)
        -> String
    {
        func show(_ x: Double) -> String { integer ? String(Int(x.rounded())) : String(format: "%.3f", x) }
        let observed = String(format: "%.2f", observedMinutes)
        if let phase = observedPhase, case .found(let x, _, _) = outcome {
            // A phase's simulated minutes are a sum of means: no interval to quote.
            return
                "\(key) = \(show(x)) makes the simulated change of \(variant) against \(scenario.baseline.name) in the "
                + "log phase \(phase) equal the observed \(observed) min of the production logs."
        }
        switch outcome {
        case .found(let x, let lo, let hi):
            return
                "\(key) = \(show(x)) (interval \(show(lo)) to \(show(hi))) makes the estimated regression of \(variant) "
                + "against \(scenario.baseline.name) equal the observed \(observed) min."
        case .outOfRange(let best):
            let k = ScenarioKeys.table
            let others = [k.packages.erased, k.errorRate.erased, k.catalogLines.erased, k.catalogWrite.erased]
                .filter { $0.name != key }
                .map { "\($0.name) \(scenario.values[$0.name]?.description ?? "?")" }.joined(separator: ", ")
            return
                "No \(key) in range explains \(observed) min for \(variant): the closest, \(key) = \(show(best.x)), gives "
                + "\(String(format: "%.2f", best.y)) min [\(String(format: "%.2f", best.low)), \(String(format: "%.2f", best.high))] (with \(others))."
        }
    }
}

extension Fit {
    /// The observed change of one log phase over the production workload, from the scenario's
    /// production logs: what `fit --observed-phase` solves for.
    public static func observedMinutes(of phase: LogPhase, scenario: Scenario, currentDirectory: URL) throws -> Double {
        guard let logs = try ObservedLogsLoader.load(scenario, currentDirectory: currentDirectory) else {
            throw ScenarioError(
                location: scenario.file, key: ScenarioKeys.table.observedBaselineLogs.name,
                problem:
                    "--observed-phase needs production logs (\(ScenarioKeys.table.observedBaselineLogs.name) and "
                    + "\(ScenarioKeys.table.observedRegressedLogs.name))")
        }
        guard let perRun = logs.phases.first(where: { $0.phase == phase })?.deltaSecondsPerRun else {
            throw ScenarioError(
                location: scenario.file, key: ScenarioKeys.table.observedRegressedLogs.name,
                problem: "no paired run of the logs knows the phase \(phase)")
        }
        return perRun * Double(scenario.productionRuns) / 60
    }
}
