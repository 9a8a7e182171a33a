import Foundation

/// A unit of work whose cost in the target runtime (CPython) the cost profile knows.
public enum CostUnit: String, CaseIterable, Codable, Sendable {
    /// One `entry_points()` call's fixed part (the fit's intercept), warm page cache.
    case scanFixed = "scan.fixed_us"
    /// One `entry_points()` call's cost per distribution on the path (the fit's slope), warm.
    case scanPerDistribution = "scan.per_distribution_us"
    /// As `scanFixed` with the environment's pages dropped first (`--cache cold`).
    case scanColdFixed = "scan.cold_fixed_us"
    /// As `scanPerDistribution`, cold.
    case scanColdPerDistribution = "scan.cold_per_distribution_us"
    /// One path entry a scan visits (`sys.path` order, missing ones included), warm or cold.
    case scanPerPathEntry = "scan.per_path_entry_us"
    /// One path entry a scan visits that does not exist (beyond `scanPerPathEntry`): CPython lists
    /// it again on every scan and tries it as a zip archive.
    case scanPerMissingPathEntry = "scan.per_missing_path_entry_us"
    /// One name read from a directory listing (only when a scan lists a path entry: a process
    /// lists each once and reuses the listing while the folder's mtime holds).
    case scanPerListedEntry = "scan.per_listed_entry_us"
    /// One metadata folder among the names listed (beyond `scanPerListedEntry`): CPython makes
    /// its path object when it lists, so a reused listing does not pay it again.
    case scanPerListedDistribution = "scan.per_listed_distribution_us"
    /// One entry point parsed from a kept distribution's `entry_points.txt`, every scan.
    case scanPerEntryPoint = "scan.per_entry_point_us"
    /// The first scan of a process, once: the imports `importlib_metadata` defers to its first call.
    case scanFirstCall = "scan.first_call_us"
    /// One catalog line written synchronously (CPU time of the process per line).
    case catalogLineSync = "catalog.line_sync_us"
    /// One catalog line written through a worker thread (CPU time of all the process's threads per line).
    case catalogLineThreadHop = "catalog.line_thread_hop_us"
    /// The rest of one hopped line's wall time, which is no CPU of the process: the caller waits
    /// while the worker thread wakes, and again while it is woken itself (wall less CPU time per
    /// line, calibrated beside `catalogLineThreadHop`). The worker waits it out, off the CPU.
    case catalogLineThreadHopWait = "catalog.line_thread_hop_wait_us"
    /// One counted statement of the system database (transaction control folded in).
    case sqliteStatement = "sqlite.statement_us"
    /// Decoding one STATE message and encoding its state payload.
    case jsonState = "json.state_us"
}

/// What each unit costs in the target runtime, and where that number came from.
///
/// `native` has no costs: nothing is padded and the mechanism itself is measured. Units the
/// profile does not name (the public profile has no SQLite or JSON figures; error formatting is
/// never calibrated) are not padded: the report calls them "native, not calibrated".
public struct CostProfile: Codable, Sendable {
    public struct UnitCost: Codable, Sendable {
        public let value: Double
        public let source: String
        /// How far the unit's cost moved between the calibration's repeats, relative to `value`
        /// (half the range over the median); nil when the profile does not say. It widens the
        /// report's intervals (docs/calibration.md, "What the interval covers").
        public let spread: Double?
        public init(value: Double, source: String, spread: Double? = nil) {
            self.value = value
            self.source = source
            self.spread = spread
        }
    }
    public let name: String
    public let description: String
    /// The file it was read from (nil for `native`).
    public var file: String?
    public let units: [String: UnitCost]
    /// Where a calibrated profile was measured (interpreter, version, machine, date, fits, ...),
    /// flattened to dotted keys; empty for hand-written profiles.
    public let calibration: [String: String]

    public init(
        name: String, description: String, file: String?, units: [String: UnitCost], calibration: [String: String] = [:]
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.units = units
        self.calibration = calibration
    }

    public static let native = CostProfile(
        name: "native", description: "no padding: the Swift mechanism's own cost", file: nil, units: [:])

    /// Microseconds for one unit, or nil when the profile does not model it.
    public func microseconds(_ unit: CostUnit) -> Double? { units[unit.rawValue]?.value }

    /// The unit's relative spread (0 when the profile does not say).
    public func spread(_ unit: CostUnit) -> Double { units[unit.rawValue]?.spread ?? 0 }

    /// The most one unit may cost, in µs: 10 s for one scan, one catalog line or one statement is
    /// no measurement (a profile that says 1e300 would stall every run that pads with it).
    public static let largestUnitMicroseconds = 10_000_000.0

    /// Loads a cost-profile JSON file with `Codable`; errors name the file (as `shownAs`, when
    /// given) and the key.
    public static func load(path: String, shownAs: String? = nil) throws -> CostProfile {
        let shown = shownAs ?? path
        // A real profile is a few KiB; `cost_file: /dev/zero` must not read forever.
        guard case .success(let data) = InputFile.readAll(path, limit: 1 << 20) else {
            throw CostProfileError(message: "\(shown): cost profile cannot be read, or is larger than 1 MiB")
        }
        let document: CostProfileDocument
        do { document = try JSONDecoder().decode(CostProfileDocument.self, from: data) } catch let error
            as DecodingError
        {
            throw CostProfileError(message: "\(shown): \(CostProfileDocument.explain(error))")
        }
        guard document.format == 1 else {
            throw CostProfileError(message: "\(shown): key 'format': missing or not 1 (the only cost-profile format)")
        }
        guard !document.name.isEmpty else {
            throw CostProfileError(message: "\(shown): key 'name': missing or not a non-empty string")
        }
        var parsed: [String: UnitCost] = [:]
        for (key, entry) in document.units {
            guard CostUnit(rawValue: key) != nil else {
                throw CostProfileError(
                    message:
                        "\(shown): key 'units.\(key)': unknown unit (known: \(CostUnit.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            guard entry.value >= 0, entry.value <= largestUnitMicroseconds else {
                throw CostProfileError(
                    message: "\(shown): key 'units.\(key).value': expected a non-negative number of µs, at most "
                        + "\(Int(largestUnitMicroseconds)) (10 s per unit)")
            }
            if let spread = entry.spread, !(spread >= 0 && spread.isFinite) {
                throw CostProfileError(message: "\(shown): key 'units.\(key).spread': expected a non-negative number")
            }
            parsed[key] = UnitCost(value: entry.value, source: entry.source ?? "not stated", spread: entry.spread)
        }
        return CostProfile(
            name: document.name, description: document.description ?? "", file: path, units: parsed,
            calibration: document.calibration?.flattened() ?? [:])
    }
}

/// A cost-profile file as written (`format` 1).
struct CostProfileDocument: Decodable {
    let format: Int
    let name: String
    let description: String?
    let units: [String: CostProfile.UnitCost.Entry]
    let calibration: JSONObject?

    /// One line for a decoding error: the key it is about and what was expected.
    static func explain(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        var path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let c): (context, path) = (c, c.codingPath + [key])
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            (context, path) = (c, c.codingPath)
        @unknown default: return "not a cost profile"
        }
        let key = path.map(\.stringValue).joined(separator: ".")
        switch key {
        case "":
            if case .dataCorrupted = error { return "not valid JSON (\(context.debugDescription))" }
            return "expected a JSON object"
        case "format": return "key 'format': missing or not 1 (the only cost-profile format)"
        case "name": return "key 'name': missing or not a non-empty string"
        case "units": return "key 'units': missing or not an object"
        case "calibration": return "key 'calibration': not an object"
        default:
            if key.hasPrefix("calibration.") { return "key '\(key)': not JSON" }
            if key.hasSuffix(".value") { return "key '\(key)': expected a non-negative number" }
            if key.hasSuffix(".spread") { return "key '\(key)': expected a non-negative number" }
            return "key '\(key)': \(context.debugDescription)"
        }
    }
}

extension CostProfile.UnitCost {
    /// A unit as a file holds it (a missing source is "not stated").
    struct Entry: Decodable {
        let value: Double
        let source: String?
        let spread: Double?
    }
}

/// Any JSON object, kept to be flattened into dotted keys (a calibration's record).
struct JSONObject: Decodable {
    let fields: [String: JSONValue]

    init(from decoder: any Decoder) throws { fields = try [String: JSONValue](from: decoder) }

    /// Nested objects become dotted keys; strings themselves, null "none", other values their compact JSON text.
    func flattened(prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in fields {
            let name = prefix.isEmpty ? key : prefix + "." + key
            switch value {
            case .object(let nested): out.merge(JSONObject(fields: nested).flattened(prefix: name)) { $1 }
            case .string(let text): out[name] = text
            case .null: out[name] = "none"
            default: out[name] = value.compactText
            }
        }
        return out
    }

    init(fields: [String: JSONValue]) { self.fields = fields }
}

/// One JSON value of any kind.
indirect enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int.self) {
            self = .int(v)
        } else if let v = try? c.decode(Double.self) {
            self = .double(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([JSONValue].self) {
            self = .array(v)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    /// Compact JSON, keys sorted.
    var compactText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

public struct CostProfileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// Native and modelled time of some units of work.
public struct UnitTiming: Codable, Sendable {
    public var units: Int = 0
    public var nativeNanoseconds: UInt64 = 0
    public var modelledNanoseconds: UInt64 = 0

    public init() {}

    public mutating func add(_ other: UnitTiming) {
        units += other.units
        nativeNanoseconds += other.nativeNanoseconds
        modelledNanoseconds += other.modelledNanoseconds
    }
}
