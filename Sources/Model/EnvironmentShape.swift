/// What a synthetic environment holds besides its `*.dist-info` folders, so that a scan lists
/// what a real virtual environment's `sys.path` lists: package folders, modules and `.pth` files
/// beside the metadata folders, and the path entries before `site-packages` (the venv's `bin`
/// folder, an absent `pythonXY.zip`, the standard library, `lib-dynload`).
///
/// The `synthetic.*` scenario keys set it; their defaults are Meltano 3.7.9's virtual environment
/// on CPython 3.11 (docs/model.md, "The discovery scan's cost").
public struct EnvironmentShape: Codable, Equatable, Hashable, Sendable {
    /// Package folders (a folder with an `__init__.py`) in `site-packages`.
    public var packageFolders: Int
    /// Single-file modules (`*.py`, extension modules) in `site-packages`.
    public var modules: Int
    /// `.pth` files in `site-packages` (listed by the scan; `site` reads them at start-up).
    public var pthFiles: Int
    /// Entries of a standard-library-sized path entry (0: no such path entry).
    public var stdlibEntries: Int
    /// Entries of a `lib-dynload`-like path entry (0: none).
    public var dynloadEntries: Int
    /// Entries of the venv's `bin` folder, `sys.path[0]` of a console script (0: none).
    public var binEntries: Int
    /// Path entries that do not exist, as a venv's absent `pythonXY.zip`.
    public var missingPathEntries: Int
    /// Percentage of the distributions with an `entry_points.txt` (meltano always has one).
    public var entryPointPercent: Int

    /// Creates a shape from its counts.
    public init(
        packageFolders: Int, modules: Int, pthFiles: Int, stdlibEntries: Int, dynloadEntries: Int, binEntries: Int,
        missingPathEntries: Int, entryPointPercent: Int = 25
    ) {
        self.packageFolders = packageFolders
        self.modules = modules
        self.pthFiles = pthFiles
        self.stdlibEntries = stdlibEntries
        self.dynloadEntries = dynloadEntries
        self.binEntries = binEntries
        self.missingPathEntries = missingPathEntries
        self.entryPointPercent = entryPointPercent
    }

    /// The metadata folders alone on one path entry (the layout before shapes existed).
    public static let bare = EnvironmentShape(
        packageFolders: 0, modules: 0, pthFiles: 0, stdlibEntries: 0, dynloadEntries: 0, binEntries: 0,
        missingPathEntries: 0)

    /// Meltano 3.7.9's virtual environment (CPython 3.11): 71 folders, 3 modules and 1 `.pth`
    /// file beside 65 metadata folders; a standard library of 206 entries, `lib-dynload` of 76, a
    /// `bin` folder of 24, and the absent `python311.zip`; 17 of its 65 distributions (26%) have an
    /// `entry_points.txt`.
    public static let meltano379 = EnvironmentShape(
        packageFolders: 71, modules: 3, pthFiles: 1, stdlibEntries: 206, dynloadEntries: 76, binEntries: 24,
        missingPathEntries: 1, entryPointPercent: 26)

    /// The `synthetic.*` scenario keys, in the order `simulate keys` lists them.
    public enum Key: String, CaseIterable, Sendable {
        case packageFolders = "synthetic.package_folders"
        case modules = "synthetic.modules"
        case pthFiles = "synthetic.pth_files"
        case stdlibEntries = "synthetic.stdlib_entries"
        case dynloadEntries = "synthetic.dynload_entries"
        case binEntries = "synthetic.bin_entries"
        case missingPathEntries = "synthetic.missing_path_entries"
        case entryPointPercent = "synthetic.entry_point_percent"

        /// The largest value the key accepts: every entry is a file or folder written once per
        /// environment (20,000 package folders take about 80 MB of disk), and real venvs list a
        /// few hundred to a few thousand names per path entry.
        public var upperBound: Int {
            switch self {
            case .missingPathEntries: return 64
            case .entryPointPercent: return 100
            default: return 20_000
            }
        }

        /// One line for `simulate keys`.
        public var help: String {
            switch self {
            case .packageFolders: return "package folders beside the metadata folders in the synthetic site-packages"
            case .modules: return "single-file modules in the synthetic site-packages"
            case .pthFiles: return ".pth files in the synthetic site-packages"
            case .stdlibEntries: return "entries of a standard-library path entry before site-packages (0: none)"
            case .dynloadEntries: return "entries of a lib-dynload path entry before site-packages (0: none)"
            case .binEntries: return "entries of the venv's bin folder, the first path entry (0: none)"
            case .missingPathEntries: return "path entries that do not exist, as a venv's absent python311.zip"
            case .entryPointPercent: return "percentage of the synthetic distributions with an entry_points.txt"
            }
        }
    }

    /// The count one key sets.
    public subscript(key: Key) -> Int {
        get {
            switch key {
            case .packageFolders: return packageFolders
            case .modules: return modules
            case .pthFiles: return pthFiles
            case .stdlibEntries: return stdlibEntries
            case .dynloadEntries: return dynloadEntries
            case .binEntries: return binEntries
            case .missingPathEntries: return missingPathEntries
            case .entryPointPercent: return entryPointPercent
            }
        }
        set {
            switch key {
            case .packageFolders: packageFolders = newValue
            case .modules: modules = newValue
            case .pthFiles: pthFiles = newValue
            case .stdlibEntries: stdlibEntries = newValue
            case .dynloadEntries: dynloadEntries = newValue
            case .binEntries: binEntries = newValue
            case .missingPathEntries: missingPathEntries = newValue
            case .entryPointPercent: entryPointPercent = newValue
            }
        }
    }

    /// Reads the `synthetic.*` keys; absent keys keep their default, the `meltano379` value.
    public init(values: [String: ScenarioValue]) {
        var shape = Self.meltano379
        for key in Key.allCases { shape[key] = ScenarioKeys.table.synthetic[key].value(in: values) }
        self = shape
    }

    /// The listed entries this shape adds to a scan, besides the metadata folders.
    public var listedEntries: Int {
        packageFolders + modules + pthFiles + stdlibEntries + dynloadEntries + binEntries
    }

    /// Path entries before `site-packages`, the missing ones included.
    public var extraPathEntries: Int {
        (stdlibEntries > 0 ? 1 : 0) + (dynloadEntries > 0 ? 1 : 0) + (binEntries > 0 ? 1 : 0) + missingPathEntries
    }

    /// Short and stable, for cache folder names: `bare`, or the counts joined by `.`.
    public var tag: String {
        self == .bare
            ? "bare"
            : [packageFolders, modules, pthFiles, stdlibEntries, dynloadEntries, binEntries, missingPathEntries]
                .map(String.init).joined(separator: ".") + (entryPointPercent == 25 ? "" : "-ep\(entryPointPercent)")
    }
}
