import Discovery
import Model

/// Resolves a state-backend URI scheme the way a profile's Meltano release does, making exactly
/// that release's discovery calls (and so its scans) on the happy path and on the error path.
struct StateBackendResolver {
    static let group = "meltano.state_backends"
    /// The scheme a misconfigured project meets (`gcs://` for `gs://`, a common slip).
    static let misconfiguredScheme = "gcs"

    let profile: ReleaseProfile
    let session: DiscoverySession

    enum Outcome {
        case resolved(String)
        case failed(ErrorPathRecord)
    }

    /// One state-backend initialization: builds a manager (a new add-on object) and looks the
    /// scheme up. `raisesTwice` is the tap lookup's shape: its except block rebuilds the manager
    /// and fails again, so the error message (and `backends()`) is built twice.
    func initialize(scheme: String, initialization: Int, raisesTwice: Bool) -> Outcome {
        if scheme == "systemdb", profile.systemdbShortCircuit {
            return .resolved(scheme)  // 3.7.x–4.x: systemdb never reaches entry points
        }
        var backendsCalls = 0
        var message = ""
        for _ in 0..<(raisesTwice ? 2 : 1) {
            let manager = session.newAddonObject()
            let found = session.lookup(group: Self.group, name: scheme, via: manager)
            if found != nil || scheme == "systemdb" {
                return .resolved(scheme)
            }
            var available: [String] = []
            if profile.errorMessage.callsBackends {
                available = ["systemdb"] + session.backends(group: Self.group, via: manager).filter { $0 != "systemdb" }
                backendsCalls += 1
            }
            message = profile.errorMessage.message(scheme: scheme, available: available)
        }
        return .failed(
            ErrorPathRecord(
                initialization: initialization, scheme: scheme, message: message, backendsCalls: backendsCalls))
    }

}
