import ArgumentParser
import Environment
import Foundation

/// `simulate scan`: what the native entry-point scanner finds on a path, printed as a CPython
/// one-liner prints it from `importlib.metadata` (`pythonCode`), so that the two can be diffed.
struct ScanCommand: ParsableCommand {
    /// The Python code that prints, from CPython itself, the same JSON as `simulate scan` for the
    /// same path entries (given as arguments; none keeps the interpreter's `sys.path`).
    static let pythonCode = """
        import importlib.metadata as m, json, sys; sys.path[:] = sys.argv[1:] or sys.path; \
        e = m.entry_points(); print(json.dumps({"distributions": sorted(d.metadata.get("Name", "") \
        for d in m._unique(m.distributions())), "entry_points": {g: sorted(f"{p.name} = {p.value}" \
        for p in e.select(group=g)) for g in e.groups}}, indent=2, sort_keys=True))
        """

    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Print the distributions and entry points the native scanner finds, as importlib.metadata would.",
        discussion: """
            Scans the given path entries in order (as sys.path; "" is the current directory), or the \
            sys.path of the interpreter given with --python, keeping the first distribution of each \
            normalized name as importlib.metadata.entry_points() does. Prints JSON: "distributions", the \
            sorted Name of each kept distribution ("" when its metadata has none), and "entry_points", \
            each group's sorted "name = value" lines. Run in the same folder, CPython prints the same bytes with

              python3 -c "$(simulate scan --print-python)" [PATH...]

            where --print-python prints this code on one line (wrapped here; whole in docs/usage.md):

              \(pythonCode)

            Examples:
              diff <(simulate scan --python python3) <(python3 -c "$(simulate scan --print-python)")
              diff <(simulate scan site-packages) <(python3 -c "$(simulate scan --print-python)" site-packages)
            """)

    @Option(help: ArgumentHelp("Scan this interpreter's sys.path (run once to print it).", valueName: "PATH"))
    var python: String?

    @Flag(help: "Print the Python code of the equivalent CPython one-liner, and nothing else.")
    var printPython = false

    @Argument(help: ArgumentHelp("Path entries to scan, in order.", valueName: "PATH"))
    var paths: [String] = []

    func validate() throws {
        if printPython, python != nil || !paths.isEmpty { throw ValidationError("--print-python takes no path") }
        if printPython { return }
        if python != nil, !paths.isEmpty { throw ValidationError("give either --python or paths, not both") }
        if python == nil, paths.isEmpty { throw ValidationError("give --python PATH or at least one path entry") }
    }

    func run() throws {
        if printPython {
            print(Self.pythonCode)
            return
        }
        let entries: [String]
        if let python {
            entries = try Self.sysPath(of: python)
        } else {
            for path in paths { try Self.checkReadable(path) }
            entries = paths
        }
        let (result, kept) = EntryPointScanner(pathEntries: entries).scanKeepingDistributions()
        let read = kept.map { DistributionName.read(folderPath: $0.path) }
        let names = read.map { (try? $0.get()) ?? "" }
        var groups: [String: [String]] = [:]
        for point in result.entryPoints { groups[point.group, default: []].append("\(point.name) = \(point.value)") }
        let document = PythonJSON.object([
            "distributions": .array(names.sorted(by: PythonJSON.precedes).map(PythonJSON.string)),
            "entry_points": .object(
                groups.mapValues { .array($0.sorted(by: PythonJSON.precedes).map(PythonJSON.string)) }),
        ])
        print(document.text(indent: 0))
        // CPython raises on these files; the scanner skips them, so the outputs differ there.
        let raising = [SkipKind.malformed, .invalidUTF8, .readError].map { result.skipped($0) }.reduce(0, +)
        if raising > 0 {
            FileHandle.standardError.write(
                Data("simulate: note: \(raising) entry_points.txt file(s) skipped where CPython would raise\n".utf8))
        }
        let unread = [SkipKind.tooLarge, .notRegularFile]
        let skipped =
            unread.map { result.skipped($0) }.reduce(0, +)
            + read.filter { if case .failure(let why) = $0 { unread.contains(why.kind) } else { false } }.count
        if skipped > 0 {
            let limit = FileSystem.metadataLimit >> 20
            FileHandle.standardError.write(
                Data(
                    ("simulate: note: \(skipped) metadata file(s) skipped unread, over \(limit) MiB or not a regular file, "
                        + "where CPython would read them\n").utf8))
        }
    }

    // An explicit path entry must be a directory that can be listed.
    private static func checkReadable(_ path: String) throws {
        guard let directory = opendir(path.isEmpty ? "." : path) else {
            throw SimulateExit.badInput("\(path): cannot be scanned (\(String(cString: strerror(errno))))")
        }
        closedir(directory)
    }

    // `python -c 'print(json.dumps(sys.path))'`, run in the current directory as the one-liner is.
    private static func sysPath(of python: String) throws -> [String] {
        do { return try InterpreterPath.sysPath(of: python) } catch let failure as InterpreterPath.Failure {
            throw SimulateExit.badInput(failure.description)
        }
    }
}

/// JSON as Python's `json.dumps(value, indent=2, sort_keys=True)` writes it, byte for byte.
enum PythonJSON {
    case string(String)
    case array([PythonJSON])
    case object([String: PythonJSON])

    /// Python's `str` order: by code point (Swift's `<` on `String` is not).
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// The text at nesting depth `indent`; `ensure_ascii` escapes everything outside ASCII.
    func text(indent: Int) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .string(let value): return Self.quoted(value)
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n\(outer)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let lines = members.keys.sorted(by: Self.precedes).map {
                inner + Self.quoted($0) + ": " + members[$0]!.text(indent: indent + 1)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(outer)}"
        }
    }

    // `json.encoder.py_encode_basestring_ascii`.
    private static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { out += "\\u" + hex4(unit) }
            }
        }
        return out + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
