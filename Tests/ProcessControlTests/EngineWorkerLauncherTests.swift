import Foundation
import Model
import Scenario
import Testing

@testable import ProcessControl

/// The engines' command lines and the launcher keys' checks, without an engine (the end-to-end
/// `LauncherTests` run them on a real Slurm and sshd).
struct EngineWorkerLauncherTests {
    static let slurm = EngineWorkerLauncher.Engine.slurm(
        srun: "/usr/bin/srun", scancel: "/usr/bin/scancel", arguments: ["--partition=batch"])
    static let ssh = EngineWorkerLauncher.Engine.ssh(ssh: "/usr/bin/ssh", config: "/etc/c", hosts: ["a", "b"])

    @Test func srunStartsOneTaskOfTheWorkerBinaryNamedForTheRun() {
        let command = EngineCommand(engine: Self.slurm, workerBinary: "/opt/simulate", jobName: "simulate-run-w3")
        let (executable, arguments) = command.launch(index: 3)
        #expect(executable == "/usr/bin/srun")
        #expect(
            arguments == [
                "--quiet", "--nodes=1", "--ntasks=1", "--kill-on-bad-exit=1", "--job-name=simulate-run-w3",
                "--partition=batch", "--", "/opt/simulate", "worker",
            ])
        #expect(command.host(index: 3) == nil)
    }

    @Test func sshTakesTheHostsInTurnAndQuotesTheRemoteCommand() {
        let command = EngineCommand(engine: Self.ssh, workerBinary: "/shared/my tools/simulate", jobName: "j")
        #expect(command.host(index: 0) == "a")
        #expect(command.host(index: 1) == "b")
        #expect(command.host(index: 2) == "a")
        let (executable, arguments) = command.launch(index: 1)
        #expect(executable == "/usr/bin/ssh")
        #expect(Array(arguments.prefix(2)) == ["-F", "/etc/c"])
        #expect(arguments.suffix(2) == ["b", "exec '/shared/my tools/simulate' worker"])
        #expect(arguments.contains("BatchMode=yes"))
    }

    @Test func slurmNeedsACommandOnlyToMakeSureAKilledJobIsGone() {
        let command = EngineCommand(engine: Self.slurm, workerBinary: "/opt/simulate", jobName: "simulate-run-w0")
        #expect(command.signalCommand(SIGTERM, host: nil, remotePid: nil) == nil)
        let kill = command.signalCommand(SIGKILL, host: nil, remotePid: nil)
        #expect(kill?.0 == "/usr/bin/scancel")
        #expect(kill?.1 == ["--quiet", "--name=simulate-run-w0"])
    }

    @Test func sshSignalsTheWorkersOwnPidOnItsHost() {
        let command = EngineCommand(engine: Self.ssh, workerBinary: "/opt/simulate", jobName: "j")
        #expect(command.signalCommand(SIGKILL, host: "b", remotePid: nil) == nil, "no pid yet: nothing to signal")
        let term = command.signalCommand(SIGTERM, host: "b", remotePid: 4242)
        #expect(term?.1.suffix(2) == ["b", "kill -\(SIGTERM) 4242"])
    }

    @Test func theWorkersFirstLineGivesItsPid() {
        #expect(EngineWorkerHandle.startedPid(#"{"event":"worker_started","pid":31337,"time":1.5}"#) == 31337)
        #expect(EngineWorkerHandle.startedPid(#"{"event":"phase","pid":1}"#) == nil)
        #expect(EngineWorkerHandle.startedPid(#"{"event":"worker_started","pid":x}"#) == nil)
    }

    static func scenario(_ lines: String) throws -> Scenario {
        try ScenarioLoader.load(
            yaml: """
                name: launch
                variants: [meltano-3.6.0]
                baseline: meltano-3.6.0
                \(lines)
                """, displayName: "launch.yaml")
    }

    @Test func anSSHLauncherNeedsHostsThatAreHostNames() throws {
        let none = try Self.scenario("launcher:\n  engine: ssh")
        let missing = #expect(throws: ScenarioError.self) { try LauncherChoice.resolve(none) }
        #expect(missing?.key == "launcher.hosts")
        let flag = try Self.scenario("launcher:\n  engine: ssh\n  hosts: [\"-oProxyCommand=x\"]")
        let option = #expect(throws: ScenarioError.self) { try LauncherChoice.resolve(flag) }
        #expect(option?.problem.contains("is not a host name") == true)
    }

    @Test func theLocalLauncherIsTheDefault() throws {
        let choice = try LauncherChoice.resolve(try Self.scenario(""))
        #expect(choice.engine == nil)
        #expect(choice.description == "local exec")
    }

    @Test func aBindAddressMustBeAnAddress() throws {
        #expect(throws: ScenarioError.self) { try Self.scenario("http:\n  bind_address: localhost") }
        #expect(throws: ScenarioError.self) { try Self.scenario("http:\n  advertise_address: \"a b\"") }
        _ = try Self.scenario("http:\n  bind_address: \"::\"\n  advertise_address: node-7.cluster")
    }
}
