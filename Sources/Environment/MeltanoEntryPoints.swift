/// The entry points the `meltano` distribution itself declares (3.7.x layout), shared by the
/// synthetic environment and the `static` discovery strategy so the two cannot drift apart.
public enum MeltanoEntryPoints {
    /// The group state-backend add-ons register in.
    public static let stateBackendsGroup = "meltano.state_backends"
    /// The group settings add-ons register in (scanned once per process from 3.7.0).
    public static let settingsGroup = "meltano.settings"
    /// The backend that is not an entry point; `backends()` lists it first.
    public static let systemdb = "systemdb"
    /// The synthetic `meltano` distribution's version.
    public static let version = "3.7.9"

    /// `[meltano.state_backends]` of the meltano distribution, in file order.
    public static let stateBackends: [(name: String, value: String)] = [
        ("azure", "meltano.core.state_store.azure:AZStorageStateStoreManager"),
        ("file", "meltano.core.state_store.filesystem:LocalFilesystemStateStoreManager"),
        ("gs", "meltano.core.state_store.google:GCSStateStoreManager"),
        ("s3", "meltano.core.state_store.s3:S3StateStoreManager"),
    ]

    /// `[meltano.settings]` of the meltano distribution, in file order.
    public static let settings: [(name: String, value: String)] = [
        ("state_backend_azure_connection_string", "meltano.core.state_store.azure:CONNECTION_STRING"),
        ("state_backend_gcs_application_credentials", "meltano.core.state_store.google:APPLICATION_CREDENTIALS"),
        ("state_backend_s3_aws_access_key_id", "meltano.core.state_store.s3:AWS_ACCESS_KEY_ID"),
    ]

    /// The full `entry_points.txt` of the synthetic meltano distribution.
    static var fileText: String {
        var text = "[console_scripts]\nmeltano = meltano.cli:main\n\n[meltano.settings]\n"
        for (name, value) in settings { text += "\(name) = \(value)\n" }
        text += "\n[\(stateBackendsGroup)]\n"
        for (name, value) in stateBackends { text += "\(name) = \(value)\n" }
        return text
    }
}
