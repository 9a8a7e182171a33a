import ArgumentParser
import Foundation
import Pipeline

/// `simulate worker`: what the coordinator spawns. Reads a job on stdin, writes events on stdout.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a batch of invocations sent as JSON on stdin (started by the coordinator, not by hand).",
        shouldDisplay: false
    )

    func run() throws {
        let status = WorkerProcess.main()
        if status != 0 { throw ExitCode(status) }
    }
}
