import ArgumentParser
import Pipeline

/// `simulate zygote`: what a run's coordinator starts once to fork its workers from (see `WorkerZygote`).
struct ZygoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zygote",
        abstract: "Fork workers on request over the socket on stdin (started by the coordinator, not by hand).",
        shouldDisplay: false
    )

    func run() throws {
        // main.swift runs `simulate zygote` before argument parsing; this entry is reached only with
        // extra arguments, where parsing may already have started threads that fork cannot copy.
        throw ValidationError("simulate zygote takes no arguments and is started by the coordinator")
    }
}
