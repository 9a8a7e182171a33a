import Analysis
import ArgumentParser
import Discovery
import Foundation
import Model
import Report

/// `simulate bench-cache`: hit, miss and invalidation of `persistent`, `persistent-strict` and the
/// stevedore-style cache at several package counts, side by side in one run.
struct BenchCacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-cache",
        abstract:
            "Benchmark the cross-process discovery caches (hit, miss, invalidation) against the stevedore-style design.",
        discussion: """
            Each sample is one fresh session's first lookup of `meltano.state_backends`: fingerprint, cache file, and on a \
            miss the real scan and the write. Strategies are interleaved within each repetition so they share conditions. \
            Build with -c release for numbers worth quoting.
            """
    )

    @Option(help: "Comma-separated distribution counts.") var packages: String = "100,1000,10000"
    // Counts read by the number grammar (`CountFlag`); `.unconditional` so that `-5` reaches the check.
    @Option(
        name: .customLong("hit-repeats"), parsing: .unconditional,
        help: "Hits measured per strategy and size (1 to 10,000).")
    var hitRepeats = CountFlag(21)
    @Option(parsing: .unconditional, help: "Misses and invalidations measured per strategy and size (1 to 10,000).")
    var repeats = CountFlag(5)
    @Option(
        name: .customLong("settle-ms"), parsing: .unconditional,
        help: "Untimed pause after each change to the environment, in ms (0 to 60,000).")
    var settleMs = CountFlag(30)
    @Option(name: .customLong("work-dir"), help: "Environments and cache folders (environments are reused).")
    var workDir: String = "runs/.cache/bench"
    @Option(parsing: .unconditional, help: "Seed of the synthetic environments (as the scenario's `seed`).")
    var seed = CountFlag(1)
    @Option(help: "Comma-separated strategies to compare.") var strategies: String =
        "persistent,persistent-strict,stevedore"

    func run() throws {
        let sizes = packages.split(separator: ",").map {
            NumberGrammar.integer($0.trimmingCharacters(in: .whitespaces), in: 1...ScenarioKeys.maxPackages)
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
            throw SimulateExit.badInput(
                "--packages: expected comma-separated counts from 1 to \(ScenarioKeys.maxPackages.formatted()), "
                    + "got '\(packages)'")
        }
        let hitRepeats = try self.hitRepeats.value("--hit-repeats", in: 1...10_000)
        let repeats = try self.repeats.value("--repeats", in: 1...10_000)
        let settleMs = try self.settleMs.value("--settle-ms", in: 0...60_000)
        let seed = try UInt64(self.seed.value("--seed", as: \.seed))
        let chosen = strategies.split(separator: ",").map {
            DiscoveryStrategy(rawValue: $0.trimmingCharacters(in: .whitespaces))
        }
        guard !chosen.isEmpty, chosen.allSatisfy({ [.persistent, .persistentStrict, .stevedore].contains($0) }) else {
            throw SimulateExit.badInput(
                "--strategies: expected some of persistent, persistent-strict, stevedore, got '\(strategies)'")
        }
        let benchmark = CacheBenchmark(
            options: .init(
                sizes: sizes.compactMap { $0 }, strategies: chosen.compactMap { $0 }, hitRepeats: hitRepeats,
                missRepeats: repeats,
                settleMilliseconds: settleMs, workRoot: URL(fileURLWithPath: workDir), seed: seed))
        let rows: [CacheBenchmark.Row]
        do {
            rows = try benchmark.run { FileHandle.standardError.write(Data("bench-cache: \($0)\n".utf8)) }
        } catch {
            throw SimulateExit.failure(String(describing: error))
        }
        print(Self.render(rows, hitRepeats: hitRepeats, repeats: repeats, settleMs: settleMs))
    }

    /// The table and its two goals (persistent ≥ 20×, strict ≥ 2× faster hits than stevedore).
    static func render(_ rows: [CacheBenchmark.Row], hitRepeats: Int, repeats: Int, settleMs: Int) -> String {
        var table = MarkdownTable(
            [
                "distributions", "strategy", "hit median µs", "hit p90 µs", "stats per hit",
                "hit: stevedore ÷ this", "miss median ms", "invalidation median ms",
            ], numeric: [0, 2, 3, 4, 5, 6, 7])
        func f(_ v: Double, _ d: Int) -> String { String(format: "%.\(d)f", v) }
        var goals: [String] = []
        for size in Array(Set(rows.map(\.packages))).sorted() {
            let group = rows.filter { $0.packages == size }
            let reference = group.first { $0.strategy == .stevedore }.map { SampleStatistics($0.hit).median }
            for row in group {
                let hit = SampleStatistics(row.hit)
                let ratio = reference.map { $0 / hit.median }
                table.add([
                    size.formatted(), row.strategy.rawValue, f(hit.median, 1), f(hit.p90, 1), "\(row.hitStats)",
                    ratio.map { f($0, 1) + "×" } ?? "–", f(SampleStatistics(row.miss).median / 1_000, 2),
                    f(SampleStatistics(row.invalidation).median / 1_000, 2),
                ])
                if size == rows.map(\.packages).max(), let ratio, row.strategy != .stevedore {
                    let goal = row.strategy == .persistent ? 20.0 : 2.0
                    goals.append(
                        "- at \(size.formatted()) distributions, `\(row.strategy.rawValue)` hit is \(f(ratio, 1))× faster "
                            + "than the stevedore-style hit (goal ≥ \(Int(goal))×): \(ratio >= goal ? "met" : "NOT met")"
                    )
                }
            }
        }
        return
            "Medians of \(hitRepeats) hits and \(repeats) misses / invalidations per cell; invalidation = a new dist-info "
            + "installed \(settleMs) ms before the lookup (untimed), then detect, scan, write.\n\n" + table.text + "\n"
            + goals.joined(separator: "\n")
    }
}
