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
    case catalogLineSync = "catalog.line_sync_us"
    case catalogLineThreadHop = "catalog.line_thread_hop_us"
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
        public init(value: Double, source: String) {
            self.value = value
            self.source = source
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

    /// Loads a cost-profile JSON file; errors name the file and the key.
    public static func load(path: String) throws -> CostProfile {
        // A real profile is a few KiB; `cost_file: /dev/zero` must not read forever.
        guard case .success(let data) = BoundedFile.read(URL(fileURLWithPath: path), limit: 1 << 20) else {
            throw CostProfileError(message: "\(path): cost profile cannot be read, or is larger than 1 MiB")
        }
        let raw: [String: Any]
        do {
            guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CostProfileError(message: "\(path): expected a JSON object")
            }
            raw = obj
        } catch let e as CostProfileError { throw e } catch {
            throw CostProfileError(message: "\(path): not valid JSON (\(error.localizedDescription))")
        }
        guard let format = raw["format"] as? NSNumber, format.intValue == 1, format.doubleValue == 1 else {
            throw CostProfileError(message: "\(path): key 'format': missing or not 1 (the only cost-profile format)")
        }
        guard let name = raw["name"] as? String, !name.isEmpty else {
            throw CostProfileError(message: "\(path): key 'name': missing or not a non-empty string")
        }
        guard let units = raw["units"] as? [String: Any] else {
            throw CostProfileError(message: "\(path): key 'units': missing or not an object")
        }
        if raw["calibration"] != nil && !(raw["calibration"] is [String: Any]) {
            throw CostProfileError(message: "\(path): key 'calibration': not an object")
        }
        var parsed: [String: UnitCost] = [:]
        for (key, value) in units {
            guard CostUnit(rawValue: key) != nil else {
                throw CostProfileError(
                    message:
                        "\(path): key 'units.\(key)': unknown unit (known: \(CostUnit.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            guard let entry = value as? [String: Any], let v = (entry["value"] as? NSNumber)?.doubleValue, v >= 0,
                v.isFinite
            else {
                throw CostProfileError(message: "\(path): key 'units.\(key).value': expected a non-negative number")
            }
            parsed[key] = UnitCost(value: v, source: entry["source"] as? String ?? "not stated")
        }
        return CostProfile(
            name: name, description: raw["description"] as? String ?? "", file: path, units: parsed,
            calibration: flatten(raw["calibration"] as? [String: Any] ?? [:]))
    }

    /// Nested objects become dotted keys; other values their compact JSON text.
    static func flatten(_ object: [String: Any], prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in object {
            let name = prefix.isEmpty ? key : prefix + "." + key
            switch value {
            case let nested as [String: Any]: out.merge(flatten(nested, prefix: name)) { $1 }
            case let text as String: out[name] = text
            case is NSNull: out[name] = "none"
            default:
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                    out[name] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return out
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
