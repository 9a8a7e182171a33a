import Environment
import Foundation
import Pipeline

// `simulate worker` is started once per invocation batch: it skips argument parsing (reflection
// over every command type costs milliseconds at start-up) and goes straight to its loop.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "worker" {
    exit(WorkerProcess.main())
}
// `simulate zygote` forks workers for a run's coordinator (see `WorkerZygote`); it must stay
// single-threaded, which argument parsing would not guarantee.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "zygote" {
    exit(WorkerZygote.main())
}
do {
    var command = try Simulate.parseAsRoot()
    try command.run()
} catch let ending as SimulateExit {
    ending.exit()
} catch let interrupted as Subprocess.Interrupted {
    // The child's group is already killed and every clean-up on the way here has run.
    interrupted.endProcess()
} catch {
    Simulate.exit(withError: error)
}
