/// What the release probe (`Sources/Profiling/Probe/probe.py`) saw a real `meltano run` do, as it
/// prints it: the raw counts a release profile is derived from (docs/profiles.md).
public struct ProbeReport: Codable, Sendable, Equatable {
    /// The probe's output format; `simulate profile` refuses others.
    public static let supportedSchema = 1

    public var probeSchema: Int
    /// The release's own metadata version: recorded, never used to decide behaviour.
    public var meltanoVersion: String
    public var pythonVersion: String
    public var probedAt: String
    public var cli: CLI
    public var runs: Runs
    public var catalog: Catalog
    public var pluginEnv: PluginEnvironment?
    /// `sys.path` entries of the release's interpreter.
    public var pathEntries: Int?

    enum CodingKeys: String, CodingKey {
        case probeSchema = "probe_schema"
        case meltanoVersion = "meltano_version"
        case pythonVersion = "python_version"
        case probedAt = "probed_at"
        case cli
        case runs
        case catalog
        case pluginEnv = "plugin_env"
        case pathEntries = "path_entries"
    }

    /// The `meltano run` options the release offers (read from its `--help`).
    public struct CLI: Codable, Sendable, Equatable {
        public var runForceFlag: String?
        public var runRefreshCatalogFlag: Bool?

        enum CodingKeys: String, CodingKey {
            case runForceFlag = "run_force_flag"
            case runRefreshCatalogFlag = "run_refresh_catalog_flag"
        }
    }

    /// One `meltano run` of the probe.
    public struct Run: Codable, Sendable, Equatable {
        public var exitCode: Int
        /// Calls of `entry_points()` per group (`*` for a call without one).
        public var entryPointCalls: [String: Int]
        public var pathListingsBeforeFirstScan: Int?
        public var catalogLines: Int?
        public var catalogThreadHandoffs: Int?
        /// `logger.debug` calls of Meltano's catalog visitor (`meltano.core.plugin.singer.catalog`),
        /// level-filtered or not; nil in probes made before it was counted.
        public var catalogDebugLogCalls: Int?
        public var stateBackendInitializations: Int?
        public var errorMessage: String?
        public var errorRaises: Int?
        public var backendsCalls: Int?
        public var seconds: Double?

        enum CodingKeys: String, CodingKey {
            case exitCode = "exit_code"
            case entryPointCalls = "entry_point_calls"
            case pathListingsBeforeFirstScan = "path_listings_before_first_scan"
            case catalogLines = "catalog_lines"
            case catalogThreadHandoffs = "catalog_thread_handoffs"
            case catalogDebugLogCalls = "catalog_debug_log_calls"
            case stateBackendInitializations = "state_backend_initializations"
            case errorMessage = "error_message"
            case errorRaises = "error_raises"
            case backendsCalls = "backends_calls"
            case seconds
        }

        public func calls(_ group: String) -> Int { entryPointCalls[group] ?? 0 }
    }

    /// The probe's configurations: systemdb (small and large catalog), a `file://` backend, an unknown scheme.
    public struct Runs: Codable, Sendable, Equatable {
        public var systemdb: Run
        public var systemdbLarge: Run
        public var file: Run
        public var unknownScheme: Run

        enum CodingKeys: String, CodingKey {
            case systemdb
            case systemdbLarge = "systemdb_large"
            case file
            case unknownScheme = "unknown_scheme"
        }
    }

    /// Thread hand-offs while the catalog was written, and the catalog visitor's debug-log calls,
    /// at two sizes.
    public struct Catalog: Codable, Sendable, Equatable {
        public var linesSmall: Int
        public var linesLarge: Int
        public var handoffsSmall: Int
        public var handoffsLarge: Int
        public var handoffsPerLine: Double
        /// Measured, not modelled yet (docs/profiles.md, "What the profiles do not hold yet"); nil
        /// in probes made before it was counted.
        public var debugLogCallsSmall: Int?
        public var debugLogCallsLarge: Int?
        /// Per property of the probe's catalog (three lines each): the count depends on the shape.
        public var debugLogCallsPerProperty: Double?

        enum CodingKeys: String, CodingKey {
            case linesSmall = "lines_small"
            case linesLarge = "lines_large"
            case handoffsSmall = "handoffs_small"
            case handoffsLarge = "handoffs_large"
            case handoffsPerLine = "handoffs_per_line"
            case debugLogCallsSmall = "debug_log_calls_small"
            case debugLogCallsLarge = "debug_log_calls_large"
            case debugLogCallsPerProperty = "debug_log_calls_per_property"
        }
    }

    /// What the release sets in its plugins' environment.
    public struct PluginEnvironment: Codable, Sendable, Equatable {
        public var pythonVarsSetByMeltano: [String: String]?

        enum CodingKeys: String, CodingKey {
            case pythonVarsSetByMeltano = "python_vars_set_by_meltano"
        }
    }
}

/// A release profile as a file: the profile, its format's version, and the probe's raw counts
/// when it was measured (`simulate profile` writes it; `--variants` reads it by name or path).
public struct ReleaseProfileFile: Codable, Sendable, Equatable {
    /// The format written today; readers refuse other versions with one line.
    public static let currentSchema = 1

    public var schema: Int
    public var profile: ReleaseProfile
    public var probe: ProbeReport?

    public init(profile: ReleaseProfile, probe: ProbeReport?) {
        self.schema = Self.currentSchema
        self.profile = profile
        self.probe = probe
    }

    enum CodingKeys: String, CodingKey { case schema, probe }

    // Flat on disk: the profile's fields beside `schema` and `probe`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(Int.self, forKey: .schema)
        probe = try c.decodeIfPresent(ProbeReport.self, forKey: .probe)
        profile = try ReleaseProfile(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try profile.encode(to: encoder)
        try c.encodeIfPresent(probe, forKey: .probe)
    }
}
