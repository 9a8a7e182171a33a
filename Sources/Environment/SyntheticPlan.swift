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

    init(packages: Int, seed: UInt64) {
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
        let withEntryPoints = Set(others.prefix(SyntheticEnvironment.entryPointFileCount(packages: packages) - 1))

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
