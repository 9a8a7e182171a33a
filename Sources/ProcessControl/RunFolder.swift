import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The fresh output folder of one run and the paths inside it.
///
/// `runs/<scenario>-<UTC time>/` holds what a person keeps (`events.jsonl`, `summary.json`,
/// `REPORT.md`); `work/` holds the run's services (the system database, file state, the
/// persistent discovery cache, catalog scratch files, the workers' stderr).
public struct RunFolder: Sendable {
    public let url: URL
    public var events: URL { url.appendingPathComponent("events.jsonl") }
    public var summary: URL { url.appendingPathComponent("summary.json") }
    public var report: URL { url.appendingPathComponent("REPORT.md") }
    public var work: URL { url.appendingPathComponent("work") }
    public var database: URL { work.appendingPathComponent("system.db") }
    public var stateRoot: URL { work.appendingPathComponent("state") }
    public var discoveryCache: URL { work.appendingPathComponent("discovery-cache") }
    public var scratch: URL { work.appendingPathComponent("scratch") }
    public var workerLog: URL { work.appendingPathComponent("workers.stderr.log") }

    /// `root/<name>-<UTC time>`, made now and exclusively (`mkdir`, which fails when the folder
    /// exists): when another run, started in the same second, made that name first, the next of
    /// `-2`, `-3`... So concurrent runs never share or lose a folder (docs/usage.md, "Output folders").
    public static func claim(root: URL, name: String, now: Date = Date()) throws -> URL {
        let stamp = ISO8601DateFormatter.string(
            from: now, timeZone: TimeZone(identifier: "UTC")!,
            formatOptions: [.withYear, .withMonth, .withDay, .withTime]
        )
        .replacingOccurrences(of: ":", with: "")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for n in 1...10_000 {
            let candidate = root.appendingPathComponent("\(name)-\(stamp)" + (n == 1 ? "" : "-\(n)"))
            if try makeExclusively(candidate) { return candidate }
        }
        throw ChildProcessError("\(root.path): 10000 run folders named \(name)-\(stamp) already; choose --output")
    }

    /// Makes `url` (its parent folders as needed) unless something is there: the check and the making
    /// are one step, so two runs given the same `--output` cannot both have it. False when it exists.
    public static func claimExplicit(_ url: URL) throws -> Bool {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return try makeExclusively(url)
    }

    /// Removes a claimed folder nothing was written to (a command refused after claiming it).
    public static func removeIfEmpty(_ url: URL) {
        guard (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.isEmpty == true else { return }
        rmdir(url.path)
    }

    /// `mkdir`: true when made, false when something is at `url` already.
    static func makeExclusively(_ url: URL) throws -> Bool {
        if mkdir(url.path, 0o777) == 0 { return true }
        let code = errno
        guard code == EEXIST else {
            throw ChildProcessError("\(url.path): cannot make the folder (\(String(cString: strerror(code))))")
        }
        return false
    }

    /// Creates `explicit` (which must not exist) or a new `root/<name>-<time>` folder, exclusively.
    public static func create(root: URL, scenarioName: String, explicit: URL?, now: Date = Date()) throws -> RunFolder {
        let url: URL
        if let explicit {
            guard try claimExplicit(explicit) else {
                throw ChildProcessError("\(explicit.path): output folder already exists; choose a new one")
            }
            url = explicit
        } else {
            url = try claim(root: root, name: scenarioName, now: now)
        }
        let folder = RunFolder(url: url)
        for dir in [folder.work, folder.stateRoot, folder.discoveryCache, folder.scratch] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return folder
    }
}
