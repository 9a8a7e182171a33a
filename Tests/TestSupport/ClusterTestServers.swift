import Foundation

/// A throwaway single-node Slurm cluster for a test (`scripts/slurm-cluster`): munged, slurmctld
/// and slurmd on loopback with everything in one folder. Tests check `unavailableReason` first and
/// skip with it.
public final class SlurmTestCluster: Sendable {
    /// The cluster's `slurm.conf`: SLURM_CONF for srun, squeue and scancel.
    public let conf: String
    public let folder: String

    public static let script = TestProfiles.repository.appendingPathComponent("scripts/slurm-cluster").path

    /// Why a Slurm cluster cannot be started here, or nil.
    public static var unavailableReason: String? {
        if getuid() != 0 { return "the single-node Slurm cluster needs root (slurmd starts steps as their user)" }
        for tool in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/srun"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "no \(tool): install Debian's slurm-wlm and munge (scripts/install-system-deps.sh --cluster)"
        }
        return nil
    }

    private init(conf: String, folder: String) {
        self.conf = conf
        self.folder = folder
    }

    /// Starts a new cluster in a fresh folder; stop it with `stop()`.
    public static func start() throws -> SlurmTestCluster {
        let (folder, conf) = try ServerScript.start(script, name: "slurm") { $0.hasSuffix("slurm.conf") }
        return SlurmTestCluster(conf: conf, folder: folder)
    }

    /// The environment a command talking to this cluster needs.
    public var environment: [String: String] { ["SLURM_CONF": conf] }

    /// Runs a Slurm command (`squeue`, `scancel`, `scontrol`) against this cluster; its stdout.
    @discardableResult
    public func command(_ arguments: [String]) throws -> String {
        try ServerScript.run(["-c", "export SLURM_CONF=\"$1\"; shift; exec \"$@\"", "slurm", conf] + arguments)
    }

    /// Jobs still known to the controller (pending or running), one line each.
    public func jobs() throws -> [String] {
        try command(["squeue", "--noheader"]).split(separator: "\n").map(String.init)
    }

    public func stop() {
        ServerScript.stop(Self.script, folder: folder)
    }
}

/// A throwaway OpenSSH server on loopback for a test (`scripts/sshd-server`), reachable as
/// `simulate-node-1` .. `simulate-node-4` through the `ssh_config` it writes.
public final class SSHTestServer: Sendable {
    public let config: String
    public let folder: String

    public static let script = TestProfiles.repository.appendingPathComponent("scripts/sshd-server").path

    /// Why an sshd cannot be started here, or nil.
    public static var unavailableReason: String? {
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "no \(tool): install Debian's openssh-server (scripts/install-system-deps.sh --cluster)"
        }
        return nil
    }

    private init(config: String, folder: String) {
        self.config = config
        self.folder = folder
    }

    public static func start() throws -> SSHTestServer {
        let (folder, config) = try ServerScript.start(script, name: "sshd") { $0.hasSuffix("ssh_config") }
        return SSHTestServer(config: config, folder: folder)
    }

    public func stop() {
        ServerScript.stop(Self.script, folder: folder)
    }
}
