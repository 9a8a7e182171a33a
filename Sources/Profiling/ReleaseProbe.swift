import Environment
import Foundation
import Model

/// Runs the release probe (`Probe/probe.py`, shipped with the tool) in a Meltano release's own
/// interpreter: a real `meltano run` of a synthetic tap and target in several configurations,
/// with an instrumentation module loaded into Meltano's interpreter (docs/profiles.md).
public enum ReleaseProbe {
    /// Why a probe could not run or said nothing usable, in one line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The folder of the probe's two files (`probe.py`, `sitecustomize.py`) as this build ships them.
    public static var probeFolder: URL { Bundle.module.resourceURL! }

    /// Checks that `python` is a Python interpreter with a `meltano` distribution; returns the
    /// version its metadata gives (for messages only).
    public static func check(python: String) throws -> String {
        let code = """
            import importlib.metadata as m, sys
            try:
                print(m.version("meltano"))
            except m.PackageNotFoundError:
                sys.exit(3)
            """
        let result: Subprocess.Result
        do { result = try Subprocess.run(python, ["-c", code], limits: .query) } catch let failure
            as Subprocess.Failure
        {
            throw Failure(description: "--python \(python): \(failure.explanation)")
        }
        if !result.signalled && result.status == 3 {
            throw Failure(description: "--python \(python): this interpreter has no meltano distribution installed")
        }
        guard result.succeeded, let version = result.stdoutText.split(separator: "\n").first else {
            throw Failure(
                description: "--python \(python): not a Python interpreter (\(result.how): \(result.lastLine))")
        }
        return String(version)
    }

    /// Runs the probe with `python` in a scratch folder (removed afterwards) and returns its report.
    /// Progress goes to stderr as the probe writes it.
    public static func run(python: String, echoProgress: Bool = true) throws -> ProbeReport {
        _ = try check(python: python)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("simulate-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = probeFolder.appendingPathComponent("probe.py").path
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(
                python, [script, "--workdir", scratch.path], limits: .step, echoStderr: echoProgress)
        } catch let failure as Subprocess.Failure {
            throw Failure(description: "the probe in --python \(python): \(failure.explanation)")
        }
        guard result.succeeded else {
            throw Failure(description: "the probe \(result.how): \(result.lastLine)")
        }
        let report: ProbeReport
        do {
            report = try JSONDecoder().decode(ProbeReport.self, from: result.stdout)
        } catch {
            throw Failure(description: "the probe printed no usable report (\(error))")
        }
        // What the probe prints is input: its versions name files and its numbers are bounded.
        do { try report.check() } catch {
            throw Failure(description: "the probe's report: \(error)")
        }
        return report
    }
}
