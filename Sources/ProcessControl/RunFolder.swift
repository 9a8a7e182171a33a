import Foundation

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

    /// `root/<name>-<UTC time>`, with `-2`, `-3`... when that exists already.
    public static func freshURL(root: URL, name: String, now: Date = Date()) -> URL {
        let stamp = ISO8601DateFormatter.string(
            from: now, timeZone: TimeZone(identifier: "UTC")!,
            formatOptions: [.withYear, .withMonth, .withDay, .withTime]
        )
        .replacingOccurrences(of: ":", with: "")
        var candidate = root.appendingPathComponent("\(name)-\(stamp)")
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = root.appendingPathComponent("\(name)-\(stamp)-\(n)")
            n += 1
        }
        return candidate
    }

    /// Creates `explicit` (which must not exist) or a new `root/<name>-<time>` folder.
    public static func create(root: URL, scenarioName: String, explicit: URL?, now: Date = Date()) throws -> RunFolder {
        let fm = FileManager.default
        let url: URL
        if let explicit {
            guard !fm.fileExists(atPath: explicit.path) else {
                throw ChildProcessError("\(explicit.path): output folder already exists; choose a new one")
            }
            url = explicit
        } else {
            url = freshURL(root: root, name: scenarioName, now: now)
        }
        let folder = RunFolder(url: url)
        for dir in [folder.work, folder.stateRoot, folder.discoveryCache, folder.scratch] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return folder
    }
}
