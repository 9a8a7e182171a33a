import Analysis
import Discovery
import Environment
import Foundation
import Model
import Pipeline
import ProcessControl
import Scenario

/// The tool's own speed beside its physical floors (`simulate bench`, `scripts/bench`): each
/// measurement runs N times and reports the median, side by side in one run.
public enum Benchmarks {
    static func median(_ xs: [Double]) -> Double { SampleStatistics(xs).median }

    static func timed(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        for _ in 0..<n {
            let start = MonotonicClock.now()
            try body()
            samples.append(Double(MonotonicClock.now() - start) / 1e3)
        }
        return median(samples)
    }

    /// posix_spawn of /bin/true and waiting for it: what any process start costs here, with the
    /// same file actions an exec'd worker gets.
    public static func spawnFloor(runs: Int) throws -> Double {
        try timed(runs) {
            guard case .success(let pid) = ChildProcess.spawn(executable: "/bin/true", arguments: [], stdio: [0, 1, 2])
            else {
                throw ChildProcessError("cannot spawn /bin/true")
            }
            _ = ChildProcess(spawned: pid).wait()
        }
    }

    /// Worker start-up, medians in µs: until the first event line arrives, and until the exit
    /// status is in hand (what the `/bin/true` floor measures).
    public struct SpawnTimes: Sendable {
        public var firstEvent: Double
        public var exited: Double
        /// Zygote only: starting it and waiting until it is ready, once per run (a single sample).
        public var setUp: Double?
    }

    /// Starting a worker with an empty job (`WorkerBatch.startUpProbe`) the way a run does in `mode`.
    public static func workerSpawn(runs: Int, mode: WorkerSpawnMode) throws -> SpawnTimes {
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        let setUpStart = MonotonicClock.now()
        let launcher = LocalWorkerLauncher(mode: mode, executable: ChildProcess.currentExecutable(), stderrFD: null)
        defer { launcher.stop() }
        let setUp = Double(MonotonicClock.now() - setUpStart) / 1e3
        guard launcher.mode == mode else { throw ChildProcessError("the zygote could not start (see the worker log)") }
        let times = try launches(runs, through: launcher, named: mode.rawValue)
        return SpawnTimes(firstEvent: times.firstEvent, exited: times.exited, setUp: mode == .zygote ? setUp : nil)
    }

    /// Launch medians in µs through one launcher, one worker at a time: until its first event,
    /// and until it has ended (its command too: `srun` or `ssh`).
    public struct LaunchTimes: Sendable {
        public var firstEvent: Double
        public var exited: Double
    }

    /// Starting `runs` workers with an empty job, in turn, through the launcher `choice` makes
    /// (the local one: exec'd, as `worker_spawn: exec` does).
    public static func workerLaunch(runs: Int, choice: LauncherChoice, scenario: Scenario) throws -> LaunchTimes {
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        let launcher = choice.make(
            scenario: scenario, executable: ChildProcess.currentExecutable(), runName: "simulate-bench-launch",
            stderrFD: null, localMode: .exec)
        defer { launcher.stop() }
        return try launches(runs, through: launcher, named: choice.description)
    }

    /// `runs` workers with an empty job started one after another through `launcher`, each read
    /// to its end; a worker that writes no event or fails is an error naming the launcher.
    static func launches(_ runs: Int, through launcher: any WorkerLauncher, named name: String) throws -> LaunchTimes {
        let input = try JSONEncoder().encode(WorkerBatch.startUpProbe)
        var firstEvents: [Double] = []
        let exited = try timed(runs) {
            let start = MonotonicClock.now()
            let worker = try launcher.launch(input: input)
            var first: UInt64?
            _ = worker.readLines { _ in if first == nil { first = MonotonicClock.now() } }
            let status = worker.wait()
            guard let first, status == 0 else {
                throw ChildProcessError("a worker started by \(name) wrote no event or failed (\(status ?? -1))")
            }
            firstEvents.append(Double(first - start) / 1e3)
        }
        return LaunchTimes(firstEvent: median(firstEvents), exited: exited)
    }

    /// Scan medians in µs: the native scanner as CPython's warm `entry_points()` works (the listing
    /// reused while the folder's mtime holds) and listing every time, each beside its floor.
    public struct ScanTimes: Sendable {
        /// Native, listing reused (`ListingCache`): what CPython's repeated calls do.
        public var native: Double
        /// The floor for it: open and read each kept `entry_points.txt` (paths known), nothing else.
        public var floor: Double
        /// Native, listing the folder on every call (the first call in a process).
        public var nativeListing: Double
        /// Its floor: list the folder, then open and read each file.
        public var floorListing: Double
        public var distributions: Int
    }

    /// The native scanner over a folder, and the floors: bare loops doing the same system calls.
    public static func scan(pathEntries: [String], runs: Int) -> ScanTimes {
        let reusing = EntryPointScanner(pathEntries: pathEntries, listings: ListingCache())
        let listing = EntryPointScanner(pathEntries: pathEntries)
        var found = 0
        // The floors: names stay C bytes, each file is opened relative to the directory's
        // descriptor and read to the end into one buffer allocated once.
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let suffix = "/entry_points.txt"
        let openAndRead = { (directory: Int32, relative: UnsafePointer<CChar>) in
            let fd = openat(directory, relative, O_RDONLY)
            guard fd >= 0 else { return }
            buffer.withUnsafeMutableBytes { while read(fd, $0.baseAddress!, $0.count) > 0 {} }
            close(fd)
        }
        let distributionNames = { (entry: String) -> [[CChar]] in
            (DirectoryListing.names(entry) ?? []).filter { $0.hasSuffix(".dist-info") }.map {
                Array(($0 + suffix).utf8CString)
            }
        }
        let known = pathEntries.map { ($0, distributionNames($0)) }
        let openReadLoop = {
            for (entry, files) in known {
                let directory = open(entry, O_RDONLY | O_DIRECTORY)
                guard directory >= 0 else { continue }
                for file in files { file.withUnsafeBufferPointer { openAndRead(directory, $0.baseAddress!) } }
                close(directory)
            }
        }
        var path = [CChar](repeating: 0, count: 4096)
        let suffixBytes = Array(suffix.utf8CString)
        let distInfo = Array(".dist-info".utf8CString.dropLast())
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let listOpenReadLoop = {
            for entry in pathEntries {
                guard let directory = opendir(entry) else { continue }
                defer { closedir(directory) }
                while let item = readdir(directory) {
                    let name = UnsafeRawPointer(item).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
                    let length = strlen(name)
                    guard length >= distInfo.count, length + suffixBytes.count <= path.count,
                        memcmp(name + length - distInfo.count, distInfo, distInfo.count) == 0
                    else { continue }
                    path.withUnsafeMutableBufferPointer { p in
                        memcpy(p.baseAddress!, name, length)
                        suffixBytes.withUnsafeBufferPointer {
                            _ = memcpy(p.baseAddress! + length, $0.baseAddress!, $0.count)
                        }
                        openAndRead(dirfd(directory), p.baseAddress!)
                    }
                }
            }
        }
        // Interleaved, so that all four see the same load on a shared machine.
        var native: [Double] = []
        var floor: [Double] = []
        var nativeListing: [Double] = []
        var floorListing: [Double] = []
        for _ in 0..<runs {
            native.append(timed(1) { found = reusing.scan().distributionsFound })
            floor.append(timed(1, openReadLoop))
            nativeListing.append(timed(1) { found = listing.scan().distributionsFound })
            floorListing.append(timed(1, listOpenReadLoop))
        }
        return ScanTimes(
            native: median(native), floor: median(floor), nativeListing: median(nativeListing),
            floorListing: median(floorListing), distributions: found)
    }

    /// The coordinator's merge path for `count` events: each line made as a worker writes it, logged
    /// to disk through the event log (parsed, spliced, folded) as it arrives, then the analysis of the
    /// folded run. Nothing is built up front. Returns seconds (all of it, and until the log is
    /// closed) and the process's peak RSS in MiB.
    public static func merge(events count: Int, folder: URL) throws -> (
        seconds: Double, logSeconds: Double, peakMiB: Double
    ) {
        let scenario = try ScenarioLoader.load(
            yaml: "name: bench\nvariants: [meltano-3.6.0, meltano-3.7.9]\ninvocations: 1\n", displayName: "bench")
        let phases = Phase.simulated.filter { $0 != .pages }
        let invocations = count / (phases.count + 2)
        let variants = ["meltano-3.6.0", "meltano-3.7.9"]
        let noErrors = [false, false]
        let plan = (0..<invocations).lazy.map {
            InvocationSpec(
                index: $0, ordinal: $0 / 2, variant: variants[$0 % 2], job: "j", stateID: "j", errorAtInit: noErrors)
        }
        let start = MonotonicClock.now()
        let accumulator = RunAccumulator(scenario: scenario, plan: plan)
        let log = try EventLog(url: folder.appendingPathComponent("events.jsonl"), accumulator: accumulator)
        var line = ""
        line.reserveCapacity(512)
        // Each line built in one reused buffer: the bench measures the log, not string building.
        func send(_ parts: String...) {
            line.removeAll(keepingCapacity: true)
            for part in parts { line += part }
            log.record(line: Substring(line), worker: 0)
        }
        for i in 0..<invocations {
            let number = String(i)
            let tail = ",\"time\":\(1.7e9 + Double(i) / 1024),\"variant\":\"\(variants[i % 2])\"}"
            send("{\"event\":\"invocation_started\",\"invocation\":", number, tail)
            for (k, name) in phases.enumerated() {
                send(
                    "{\"event\":\"phase\",\"invocation\":", number, ",\"phase\":{\"modelled_ns\":",
                    String(2_000 + i % 991 + k),
                    ",\"native_ns\":", String(1_000 + i % 997 + k), ",\"phase\":\"", name.rawValue,
                    "\",\"production_units\":1,\"provenance\":\"measured\",\"scan_modelled_ns\":0,\"scans\":0,\"units\":1}",
                    tail)
            }
            send("{\"event\":\"invocation_finished\",\"invocation\":", number, ",", finishedOutcome, tail)
        }
        log.close()
        let logged = MonotonicClock.now()
        _ = RunAnalyzer().analyze(
            .init(
                scenario: scenario, accumulator: accumulator, command: "", startedAt: Date(), wallSeconds: 0,
                complete: true, workerProcesses: 1,
                environment: EnvironmentInfo(
                    kind: "none", pathEntries: 0, distributions: 0, entryPointFiles: 0,
                    reused: true, description: ""),
                costProfile: .native, integrity: nil))
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (seconds, Double(logged - start) / 1e9, Double(usage.ru_maxrss) / 1024)
    }

    /// A successful invocation's outcome as a worker writes it (JSONEncoder's key order).
    static let finishedOutcome =
        "\"outcome\":{\"discovery\":{\"addon_objects\":0,\"backends_calls\":0,\"groups_touched\":0,\"lookups\":0,"
        + "\"persistent_corrupt\":0,\"persistent_hits\":0,\"persistent_misses\":0,\"persistent_writes_skipped\":0,"
        + "\"scans\":0,\"validation_stats\":0},\"error_paths\":0,\"heartbeats\":1,\"job_overlap\":false,"
        + "\"state_writes\":1,\"storage\":{\"busy_wait_ns\":0,\"busy_waits\":0,\"lock_waits\":0,\"retries\":0,"
        + "\"statements\":0,\"transactions\":0},\"succeeded\":true,\"wall_ns\":10000}"
}
