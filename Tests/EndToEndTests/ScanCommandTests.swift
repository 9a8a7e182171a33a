import Foundation
import XCTest

/// `simulate scan` against CPython's own `importlib.metadata`: the documented one-liner and the
/// command must print the same bytes for the same path entries.
final class ScanCommandTests: XCTestCase {
    /// The Python code of the one-liner in docs/usage.md and `simulate scan --print-python`.
    static let code =
        #"import importlib.metadata as m, json, sys; sys.path[:] = sys.argv[1:] or sys.path; "#
        + #"e = m.entry_points(); print(json.dumps({"distributions": sorted(d.metadata.get("Name", "") "#
        + #"for d in m._unique(m.distributions())), "entry_points": {g: sorted(f"{p.name} = {p.value}" "#
        + #"for p in e.select(group=g)) for g in e.groups}}, indent=2, sort_keys=True))"#

    func testDocumentedOneLinerIsTheTestedOne() throws {
        let usage = try String(
            contentsOf: SimulateBinary.repository.appendingPathComponent("docs/usage.md"), encoding: .utf8)
        XCTAssertTrue(usage.contains("python3 -c '\(Self.code)'"))
        let printed = try SimulateBinary.run(["scan", "--print-python"])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertEqual(printed.stdout, Self.code + "\n")
    }

    func testMatchesCPythonOnPython3sOwnPath() throws {
        let python = try Self.python3()
        try assertSameAsCPython(python: python)
    }

    /// Interpreters listed in `SIMULATE_SCAN_PYTHON` (separated by ":"), e.g. Meltano's virtual environments.
    func testMatchesCPythonOnListedInterpreters() throws {
        let listed = ProcessInfo.processInfo.environment["SIMULATE_SCAN_PYTHON", default: ""]
            .split(separator: ":").map(String.init)
        try XCTSkipIf(listed.isEmpty, "SIMULATE_SCAN_PYTHON is not set")
        for python in listed { try assertSameAsCPython(python: python) }
    }

    func testMatchesCPythonOnASyntheticPath() throws {
        let python = try Self.python3()
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("first")
        let second = folder.appendingPathComponent("second")
        try Self.write(
            first,
            [
                "Foo_Bar-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\n",
                "Foo_Bar-1.0.dist-info/entry_points.txt": """
                # a comment before any header
                ignored = before.header
                [console_scripts]
                foo   =   foo.cli:main\t
                \t# an indented comment
                ;semi = foo:semi

                [  meltano.plugins ]
                b = foo.b:B [extra]
                a=foo.a
                [[odd]]
                x = 1 = 2
                """,
                "plain-2.0.dist-info/METADATA": "Name: plain\r\nVersion: 2.0\r\n",
                "NoMeta-1.0.dist-info/entry_points.txt": "[console_scripts]\nnometa = nometa:run\n",
                "legacy-0.1.egg-info": "Metadata-Version: 1.0\nName: Legacy Name\n",
                "folded-1.0.dist-info/METADATA": "Name: folded\n   continued\n",
                "Other.DIST-INFO/METADATA": "Name: Other-Thing\n\nName: not a header\n",
                "unicode-1.0.dist-info/METADATA": "Name: Ünïcode\u{2028}x\n",
                "unicode-1.0.dist-info/entry_points.txt": "[gröup]\nnäme = välue\n",
                "bom-1.0.dist-info/METADATA": "\u{FEFF}Name: bom\n",  // no header: all body
            ])
        try Self.write(
            second,
            [
                "foo.bar-2.0.dist-info/METADATA": "Name: foo.bar\n",
                "foo.bar-2.0.dist-info/entry_points.txt": "[console_scripts]\nshadowed = no:no\n",
                "plain-3.0.dist-info/METADATA": "Name: plain\n",
                "fresh-1.0.dist-info/METADATA": "Name: fresh\n",
                "fresh-1.0.dist-info/entry_points.txt": "[console_scripts]\nfoo = foo.cli:main\n",
            ])
        let r = try assertSameAsCPython(python: python, paths: [first.path, second.path])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.utf8)) as? [String: Any])
        XCTAssertEqual(
            object["distributions"] as? [String],
            [
                "", "", "     folded\ncontinued", "Foo_Bar", "Legacy Name", "Other-Thing", "fresh", "plain",
                "Ünïcode\u{2028}x",
            ])
        let groups = try XCTUnwrap(object["entry_points"] as? [String: [String]])
        XCTAssertEqual(
            groups["console_scripts"],
            [";semi = foo:semi", "foo = foo.cli:main", "foo = foo.cli:main", "nometa = nometa:run"])
        XCTAssertEqual(groups["  meltano.plugins "], ["a = foo.a", "b = foo.b:B [extra]"])
        XCTAssertEqual(groups["odd"], ["x = 1 = 2"])
    }

    func testMissingPathIsOneLineAndExitTwo() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no-such-folder").path
        let r = try SimulateBinary.run(["scan", folder.path, missing])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "simulate: \(missing): cannot be scanned (No such file or directory)\n")
        XCTAssertEqual(r.stdout, "")
    }

    func testInterpreterThatCannotRunIsOneLineAndExitTwo() throws {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("python").path
        let r = try SimulateBinary.run(["scan", "--python", missing])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "simulate: \(missing): no such executable\n")
        // An interpreter that fails: `false` ignores its arguments and exits 1.
        let failing = try XCTUnwrap(Self.onPath("false"))
        let f = try SimulateBinary.run(["scan", "--python", failing])
        XCTAssertEqual(f.status, 2)
        XCTAssertEqual(f.stderr, "simulate: \(failing): exited with status 1\n")
        XCTAssertEqual(f.stdout, "")
    }

    // Runs both in the same empty folder (sys.path's "" entry), compares the bytes, returns the JSON.
    @discardableResult
    private func assertSameAsCPython(python: String, paths: [String] = []) throws -> String {
        let folder = try SimulateBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cpython = try Self.run(python, ["-c", Self.code] + paths, in: folder)
        XCTAssertEqual(cpython.status, 0, cpython.stderr)
        let scan = try SimulateBinary.run(["scan"] + (paths.isEmpty ? ["--python", python] : paths), in: folder)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        XCTAssertEqual(scan.stderr, "")
        XCTAssertEqual(scan.stdout, cpython.stdout, "simulate scan and CPython differ for \(python) \(paths)")
        let parsed = { (text: String) in try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary }
        XCTAssertEqual(try parsed(scan.stdout), try parsed(cpython.stdout))
        return scan.stdout
    }

    private static func write(_ root: URL, _ files: [String: String]) throws {
        for (relative, text) in files {
            let file = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    private static func python3() throws -> String {
        guard let python = onPath("python3") else { throw XCTSkip("python3 is not installed") }
        return python
    }

    private static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin:/bin"]
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static func run(_ executable: String, _ arguments: [String], in directory: URL) throws
        -> SimulateBinary.Output
    {
        try SimulateBinary.run(arguments, in: directory, executable: URL(fileURLWithPath: executable))
    }
}
