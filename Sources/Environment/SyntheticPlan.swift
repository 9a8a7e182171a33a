import Model

/// The content of a synthetic environment, computed from (packages, seed) alone.
struct SyntheticPlan {
    struct Distribution {
        var name: String
        var version: String
        var folder: String
        var metadata: String
        var record: String
        var entryPoints: String?
    }

    let distributions: [Distribution]

    private static let prefixes = [
        "", "", "", "", "py", "tap-", "target-", "django-", "flask-",
        "types-", "pytest-", "sqlalchemy-", "singer-", "google-", "azure-",
    ]
    private static let syllables = [
        "ar", "bo", "ca", "de", "el", "fi", "go", "hu", "in", "jo", "ka",
        "lu", "mo", "ne", "or", "pa", "qu", "ri", "so", "tu", "ve", "wy",
        "xo", "za", "yaml", "json", "http", "sql", "core", "io",
    ]
    private static let suffixes = ["", "", "", "", "", "-sdk", "_utils", ".core", "-python", "lib", "-extras"]
    /// Groups other distributions use; never the two groups only meltano declares.
    private static let groups = [
        "console_scripts", "gui_scripts", "pytest11", "meltano.plugins",
        "singer_sdk.plugins", "sqlalchemy.dialects", "flake8.extension",
        "pygments.lexers",
    ]

    init(packages: Int, seed: UInt64, entryPointFiles: Int? = nil) {
        var random = SeededRandom(seed: seed)
        var used: Set<String> = ["meltano"]
        var names: [String] = []
        while names.count < packages - 1 {
            var name = random.pick(Self.prefixes)
            for _ in 0..<(2 + random.nextInt(below: 2)) { name += random.pick(Self.syllables) }
            name += random.pick(Self.suffixes)
            // Distinct normalized names, so every folder is its own distribution to importlib.
            if used.insert(EntryPointScanner.normalize(name)).inserted { names.append(name) }
        }
        names.insert("meltano", at: random.nextInt(below: packages))

        // Exactly `entryPointFileCount` files: meltano plus randomly chosen others.
        var others = names.indices.filter { names[$0] != "meltano" }
        random.shuffle(&others)
        let files = entryPointFiles ?? SyntheticEnvironment.entryPointFileCount(packages: packages)
        let withEntryPoints = Set(others.prefix(files - 1))

        var result: [Distribution] = []
        for (index, name) in names.enumerated() {
            let isMeltano = name == "meltano"
            let version =
                isMeltano
                ? MeltanoEntryPoints.version
                : "\(random.nextInt(below: 5)).\(random.nextInt(below: 30)).\(random.nextInt(below: 20))"
            // Older wheels escape only `-` in folder names and keep case and dots: exercises normalization.
            let folder = name.replacingDashes() + "-" + version + ".dist-info"
            let module = EntryPointScanner.normalize(name)
            let metadata =
                "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n"
                + "Summary: Synthetic distribution \(index + 1) of \(packages) (seed \(seed))\n"
            var record = ""
            for file in ["\(module)/__init__.py", "\(module)/core.py", "\(folder)/METADATA"] {
                record += "\(file),sha256=\(Self.fakeDigest(&random)),\(100 + random.nextInt(below: 20_000))\n"
            }
            var entryPoints: String?
            if isMeltano {
                entryPoints = MeltanoEntryPoints.fileText
                record += "\(folder)/entry_points.txt,,\n"
            } else if withEntryPoints.contains(index) {
                entryPoints = Self.entryPointsText(module: module, random: &random)
                record += "\(folder)/entry_points.txt,,\n"
            }
            record += "\(folder)/RECORD,,\n"
            result.append(
                Distribution(
                    name: name, version: version, folder: folder, metadata: metadata,
                    record: record, entryPoints: entryPoints))
        }
        distributions = result
    }

    /// A file or folder a shaped environment holds besides the metadata folders, relative to the
    /// environment's folder; folders come before what they hold.
    struct Filler: Equatable {
        var path: String
        var isFolder: Bool
        var content: String
    }

    /// The path entries of an environment made at `root`, in `sys.path` order: the venv's `bin`,
    /// the absent zips, the standard library, `lib-dynload`, then `site-packages`.
    static func pathEntries(root: String, shape: EnvironmentShape) -> [String] {
        var entries: [String] = []
        if shape.binEntries > 0 { entries.append(root + "/bin") }
        for index in 0..<shape.missingPathEntries {
            entries.append(root + (index == 0 ? "/python311.zip" : "/python311-\(index).zip"))
        }
        if shape.stdlibEntries > 0 { entries.append(root + "/stdlib") }
        if shape.dynloadEntries > 0 { entries.append(root + "/lib-dynload") }
        return entries + [root + "/site-packages"]
    }

    /// What `shape` adds: package folders named after the distributions' modules (then
    /// `extra_package_N`), modules and `.pth` files in `site-packages`, and the other path entries'
    /// contents (about one standard-library entry in six is a package folder, as in CPython 3.11's).
    func fillers(shape: EnvironmentShape) -> [Filler] {
        var out: [Filler] = []
        func folder(_ path: String) { out.append(Filler(path: path, isFolder: true, content: "")) }
        func file(_ path: String, _ content: String = "") {
            out.append(Filler(path: path, isFolder: false, content: content))
        }
        if shape.binEntries > 0 { folder("bin") }
        for index in 0..<shape.binEntries { file("bin/tool-\(index)", "#!/bin/sh\n") }
        if shape.stdlibEntries > 0 { folder("stdlib") }
        for index in 0..<shape.stdlibEntries {
            if index % 6 == 5 { folder("stdlib/stdpackage\(index)") } else { file("stdlib/stdmodule\(index).py") }
        }
        if shape.dynloadEntries > 0 { folder("lib-dynload") }
        for index in 0..<shape.dynloadEntries { file("lib-dynload/_ext\(index).cpython-311-x86_64-linux-gnu.so") }
        let modules = distributions.map { EntryPointScanner.normalize($0.name) }
        for index in 0..<shape.packageFolders {
            let name = index < modules.count ? modules[index] : "extra_package_\(index)"
            folder("site-packages/" + name)
            file("site-packages/" + name + "/__init__.py")
        }
        for index in 0..<shape.modules { file("site-packages/extra_module_\(index).py") }
        for index in 0..<shape.pthFiles {
            file("site-packages/extra_\(index).pth", "# listed by every scan; site reads .pth files at start-up\n")
        }
        return out
    }

    /// Two to four groups of two to five entries, in setuptools' layout.
    private static func entryPointsText(module: String, random: inout SeededRandom) -> String {
        var pool = groups
        random.shuffle(&pool)
        var text = ""
        for group in pool.prefix(2 + random.nextInt(below: 3)) {
            text += "[\(group)]\n"
            for entry in 0..<(2 + random.nextInt(below: 4)) {
                let name =
                    group == "console_scripts" ? "\(module.replacingUnderscores())-\(entry)" : "\(module)_\(entry)"
                text +=
                    "\(name) = \(module).\(random.pick(syllables)):\(random.pick(["main", "run", "Plugin", "register"]))\n"
            }
            text += "\n"
        }
        return text
    }

    private static func fakeDigest(_ random: inout SeededRandom) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<43).map { _ in alphabet[random.nextInt(below: alphabet.count)] })
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
