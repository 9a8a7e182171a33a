import Application
import ArgumentParser
import Environment
import Foundation
import ProcessControl

/// `simulate bench`: the tool's own costs beside their floors; `scripts/bench` adds CPython and the full run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure spawn, scan and merge costs beside their floors.",
        shouldDisplay: false)

    // Counts read by the number grammar (`CountFlag`); `.unconditional` so that `-5` reaches the check.
    @Option(parsing: .unconditional, help: "Distributions in the scanned folder.") var packages = CountFlag(1000)
    @Option(parsing: .unconditional, help: "Repetitions per measurement (medians are reported; 1 to 100,000).")
    var runs = CountFlag(30)
    @Option(parsing: .unconditional, help: "Events to merge (1 to 100,000,000).") var events = CountFlag(1_000_000)
    @Option(name: .customLong("cache-dir"), help: "Where the synthetic environment is generated.") var cacheDir =
        "runs/.cache"

    @Option(
        help:
            "Which measurements, comma-separated: spawn, scan, merge (scripts/bench runs the scan apart, alternating it with CPython's)."
    )
    var measure = "spawn,scan,merge"

    func run() throws {
        let parts = Set(measure.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        if let unknown = parts.subtracting(["spawn", "scan", "merge"]).sorted().first {
            throw SimulateExit.badInput("command line (--measure): '\(unknown)' is not one of spawn, scan, merge")
        }
        let packages = try self.packages.value("--packages", as: \.packages)
        let runs = try self.runs.value("--runs", in: 1...100_000)
        let events = try self.events.value("--events", in: 1...100_000_000)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let environment = try SyntheticEnvironment.prepare(
            packages: packages, seed: 1, cacheRoot: URL(fileURLWithPath: cacheDir, relativeTo: cwd))
        // Machine-readable lines for scripts/bench; one measurement per line.
        print("scan_folder \(environment.pathEntries[0])")
        if parts.contains("spawn") {
            let floor = try Benchmarks.spawnFloor(runs: runs)
            let forked = try Benchmarks.workerSpawn(runs: runs, mode: .zygote)
            let execd = try Benchmarks.workerSpawn(runs: runs, mode: .exec)
            print("spawn_floor_us \(String(format: "%.1f", floor))")
            // Runs fork workers from a zygote (the default); exec'd workers are the fallback.
            print(
                "worker_spawn_first_event_us \(String(format: "%.1f", forked.firstEvent)) exit_us \(String(format: "%.1f", forked.exited))"
                    + " zygote_setup_us \(String(format: "%.1f", forked.setUp ?? 0))")
            print(
                "worker_exec_first_event_us \(String(format: "%.1f", execd.firstEvent)) exit_us \(String(format: "%.1f", execd.exited))"
            )
        }
        if parts.contains("scan") {
            let scan = Benchmarks.scan(pathEntries: environment.pathEntries, runs: runs)
            print("scan_native_us \(String(format: "%.1f", scan.native)) distributions \(scan.distributions)")
            print("scan_floor_us \(String(format: "%.1f", scan.floor))")
            print(
                "scan_listing_native_us \(String(format: "%.1f", scan.nativeListing)) floor_us \(String(format: "%.1f", scan.floorListing))"
            )
        }
        guard parts.contains("merge") else { return }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let merge = try Benchmarks.merge(events: events, folder: scratch)
        print(
            "merge_seconds \(String(format: "%.2f", merge.seconds)) events \(events) peak_mib \(String(format: "%.0f", merge.peakMiB))"
                + " log_and_parse_seconds \(String(format: "%.2f", merge.logSeconds))")
    }
}
