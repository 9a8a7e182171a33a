import Foundation
import Model
import ProcessControl
import Scenario
import TestSupport
import XCTest

@testable import Application

/// A whole `Simulation` (scenario, plan, coordinator, workers, events, integrity check, analysis,
/// summary and report) with its workers in memory (`InMemoryWorkerLauncher`): what a run makes of
/// workers that finish or die, with no process started. XCTest, not Swift Testing: a run blocks its
/// thread until the loopback server (a Swift concurrency task) is up, and Swift Testing runs tests on
/// the cooperative pool, which has one thread per core; parallel runs there starved the server.
final class SimulationTests: XCTestCase {
    /// Two variants of `invocations` each, in batches of two on two workers.
    static func scenario(invocations: Int = 4, extra: String = "") throws -> Scenario {
        try ScenarioLoader.load(
            yaml: """
                name: in-memory
                variants: [meltano-3.6.0, meltano-3.7.9]
                baseline: meltano-3.6.0
                invocations: \(invocations)
                invocations_per_process: 2
                workers: 2
                seed: 7
                packages: 10
                error_rate: 0
                jobs: 1
                catalog_lines: 200
                catalog_sample_lines: 20
                state_messages: 5
                state_sample_messages: 5
                cost_profile: native
                http:
                  pages: 4
                  sample_pages: 2
                  page_records: 5
                \(extra)
                """, displayName: "in-memory.yaml")
    }

    /// Runs `scenario` through `launcher` into a fresh folder of `scratch`.
    static func run(_ scenario: Scenario, _ launcher: InMemoryWorkerLauncher, in scratch: TemporaryDirectory) throws
        -> Simulation.Result
    {
        let options = Simulation.Options(
            outputRoot: scratch.url, output: scratch.url.appendingPathComponent("run"),
            cacheRoot: scratch.url.appendingPathComponent("cache"), progress: false,
            command: "simulate --scenario in-memory.yaml")
        return try Simulation(scenario: scenario, costProfile: .native, options: options, launcher: { _ in launcher })
            .run()
    }

    func testACompleteRunCountsEveryInvocationOfEveryVariant() throws {
        let scratch = TemporaryDirectory()
        let launcher = InMemoryWorkerLauncher()
        let result = try Self.run(try Self.scenario(), launcher, in: scratch)
        let summary = result.summary
        XCTAssertTrue(summary.complete && summary.outcome?.status == .complete, "\(summary.outcome?.reasonText ?? "")")
        XCTAssertTrue(summary.variants.map(\.name) == ["meltano-3.6.0", "meltano-3.7.9"])
        for v in summary.variants {
            XCTAssertTrue(v.planned == 4 && v.succeeded == 4 && v.failed == 0 && v.lost == 0, "\(v.name)")
        }
        // 8 invocations in batches of 2: four workers, the launcher ended once they all were.
        XCTAssertTrue(launcher.launched == 4 && summary.workerProcesses == 4 && launcher.wasStopped)
        XCTAssertTrue(summary.failures.lostInvocations == 0 && summary.failures.workerExits == 0)
        // The stores agree with the events: every finished invocation left its terminal `runs` row.
        let integrity = try XCTUnwrap(summary.integrity)
        XCTAssertTrue(integrity.ok && integrity.runsRows == 8 && integrity.nonTerminalRuns == 0)
        // What the run wrote: the report and the summary it was rendered from, the events as they came.
        let report = try String(contentsOf: result.folder.report, encoding: .utf8)
        XCTAssertTrue(!report.contains("INCOMPLETE"))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: result.folder.summary)) as? [String: Any]
        XCTAssertTrue(written?["complete"] as? Bool == true)
        let events = try String(contentsOf: result.folder.events, encoding: .utf8)
        XCTAssertTrue(events.components(separatedBy: "\"invocation_finished\"").count - 1 == 8)
    }

    func testAWorkerThatDiesMidBatchMakesTheRunIncompleteAndTheReportIsStillWritten() throws {
        let scratch = TemporaryDirectory()
        // The second worker finishes one invocation of its two, then dies as a SIGKILL'd process does.
        let launcher = InMemoryWorkerLauncher { $0 == 1 ? .die(afterFinishing: 1, status: 128 + SIGKILL) : .finishAll }
        let result = try Self.run(try Self.scenario(), launcher, in: scratch)
        let summary = result.summary
        XCTAssertTrue(!summary.complete && summary.outcome?.status == .incomplete)
        XCTAssertTrue(summary.failures.lostInvocations == 1 && summary.failures.workerExits == 1)
        XCTAssertTrue(summary.variants.reduce(0) { $0 + $1.lost } == 1)
        XCTAssertTrue(summary.variants.reduce(0) { $0 + $1.succeeded } == 7)
        XCTAssertTrue(summary.variants.allSatisfy { $0.planned == 4 })
        let reasons = Set(summary.outcome?.reasons.map(\.reason) ?? [])
        XCTAssertTrue(reasons.contains(.lostInvocations) && reasons.contains(.workerFailures))
        XCTAssertTrue(summary.outcome?.plannedInvocations == 8 && summary.outcome?.completedInvocations == 7)
        // The invocation that never ran wrote no `runs` row: the stores still agree with the events.
        XCTAssertTrue(summary.integrity?.ok == true)
        let report = try String(contentsOf: result.folder.report, encoding: .utf8)
        XCTAssertTrue(report.contains("INCOMPLETE"), "\(report.prefix(600))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.folder.summary.path))
    }

    func testAWorkerThatDiesBeforeItsFirstInvocationLosesItsWholeBatch() throws {
        let scratch = TemporaryDirectory()
        let launcher = InMemoryWorkerLauncher { $0 == 0 ? .die(afterFinishing: 0, status: 1) : .finishAll }
        let summary = try Self.run(try Self.scenario(), launcher, in: scratch).summary
        XCTAssertTrue(!summary.complete)
        XCTAssertTrue(summary.failures.lostInvocations == 2 && summary.failures.workerExits == 1)
        XCTAssertTrue(summary.variants.reduce(0) { $0 + $1.succeeded } == 6)
    }

    /// `summary.json`'s environment description held the environment's folders as they were: the
    /// synthetic cache, a `site_packages` folder, an interpreter, wherever on this machine they are.
    func testTheEnvironmentDescriptionNamesNoFolderOfThisMachine() throws {
        let scratch = TemporaryDirectory()
        let site = scratch.url.appendingPathComponent("my envs/site-packages")
        try scratch.write("my envs/site-packages/tap_x-1.0.dist-info/METADATA", "Name: tap-x\nVersion: 1.0\n")
        try scratch.write(
            "my envs/site-packages/tap_x-1.0.dist-info/entry_points.txt", "[meltano.plugins]\nx = tap_x:X\n")
        for (extra, shown) in [
            ("", "generated at <outside>/site-packages"),
            ("site_packages: [\"\(site.path)\"]", "in <outside>/site-packages"),
        ] {
            let run = TemporaryDirectory()
            let result = try Self.run(
                try Self.scenario(invocations: 1, extra: extra), InMemoryWorkerLauncher(), in: run)
            let description = result.summary.environment.description
            XCTAssertTrue(description.contains(shown) && !description.contains(scratch.path), "\(description)")
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: result.folder.summary))
            let field = try XCTUnwrap(
                ((written as? [String: Any])?["environment"] as? [String: Any])?["description"] as? String)
            XCTAssertTrue(field == description && !field.contains(run.path))
            // In the report an outside path is a code span: GitHub would hide a bare `<outside>` as a tag.
            let report = try String(contentsOf: result.folder.report, encoding: .utf8)
            XCTAssertTrue(report.contains("`<outside>/site-packages`") && !report.contains(scratch.path))
        }
    }

    func testASweepRunsEachCellThroughTheLauncherAndKeysItsCellsByTypedValues() throws {
        let scratch = TemporaryDirectory()
        let launcher = InMemoryWorkerLauncher()
        let base = try Self.scenario(invocations: 2)
        // Each cell is keyed by the values the loaded scenario holds, not by how they were typed.
        let axes = [
            try XCTUnwrap(try SweepAxis.parse(key: "error_rate", text: "0.10,0", flag: "--error-rate")),
            try XCTUnwrap(try SweepAxis.parse(key: "packages", text: "1_0,20", flag: "--packages")),
        ]
        let options = Simulation.Options(
            outputRoot: scratch.url, output: nil, cacheRoot: scratch.url.appendingPathComponent("cache"),
            progress: false, command: "")
        let sweep = Sweep(
            axes: axes, options: options, launcher: { _ in launcher },
            load: { extra in (try base.applying(extra), .native) })
        let cells = try sweep.run(into: scratch.url.appendingPathComponent("sweep")) { _, _ in }
        XCTAssertTrue(cells.count == 4 && cells.allSatisfy(\.complete))
        XCTAssertTrue(launcher.launched == 4 * 2)
        XCTAssertTrue(cells[0].knobs == ["error_rate": .double(0.1), "packages": .int(10)])
        XCTAssertTrue(cells[3].knobs == ["error_rate": .double(0), "packages": .int(20)])
    }
}
