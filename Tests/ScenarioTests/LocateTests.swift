import Foundation
import Model
import Scenario
import TestSupport
import Testing

@Suite struct LocateTests {
    /// A working folder with `scenarios/alpha.yaml` and `scenarios/beta.yaml`, and an executable path
    /// in a separate folder that has no scenarios of its own.
    struct Layout {
        let root = TemporaryDirectory("locate")
        var cwd: URL { root.url.appendingPathComponent("work") }
        var executable: URL { root.url.appendingPathComponent("tool/bin/simulate") }

        init() throws {
            try root.write("work/scenarios/alpha.yaml", "name: alpha\n")
            try root.write("work/scenarios/beta.yaml", "name: beta\n")
            try root.write("work/scenarios/notes.txt", "not a scenario\n")
            try FileManager.default.createDirectory(
                at: root.url.appendingPathComponent("work/somedir"), withIntermediateDirectories: true)
            try root.write("tool/bin/simulate", "")
        }
    }

    @Test func nameIsFoundInTheCurrentFoldersScenarios() throws {
        let l = try Layout()
        let url = try ScenarioLoader.locate("alpha", currentDirectory: l.cwd, executable: l.executable)
        #expect(
            url.standardizedFileURL.path
                == l.cwd.appendingPathComponent("scenarios/alpha.yaml").standardizedFileURL.path)
        let s = try ScenarioLoader.load(file: url)
        #expect(s.name == "alpha")
    }

    @Test func missingNameListsTheKnownNames() throws {
        let l = try Layout()
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.locate("gamma", currentDirectory: l.cwd, executable: l.executable)
        }
        #expect(error.location == "--scenario")
        #expect(error.description.hasPrefix("--scenario: no scenario named 'gamma' (known: "))
        #expect(error.description.contains("alpha, beta"))
        #expect(!error.description.contains("notes"))
        #expect(!error.description.contains("\n"))
    }

    @Test func directoryPathIsRejected() throws {
        let l = try Layout()
        for path in ["somedir/", l.cwd.appendingPathComponent("somedir").path, "./scenarios/"] {
            let error = try #require(throws: ScenarioError.self) {
                try ScenarioLoader.locate(path, currentDirectory: l.cwd, executable: l.executable)
            }
            #expect(error.description == "\(path): is a directory, not a scenario file")
        }
    }

    @Test func relativeAndAbsolutePathsAreTakenAsGiven() throws {
        let l = try Layout()
        let want = l.cwd.appendingPathComponent("scenarios/beta.yaml").standardizedFileURL.path
        let relative = try ScenarioLoader.locate(
            "scenarios/beta.yaml", currentDirectory: l.cwd, executable: l.executable)
        #expect(relative.standardizedFileURL.path == want)
        let absolute = try ScenarioLoader.locate(want, currentDirectory: l.root.url, executable: l.executable)
        #expect(absolute.standardizedFileURL.path == want)
    }

    @Test func missingPathSaysNoSuchFile() throws {
        let l = try Layout()
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.locate("scenarios/absent.yaml", currentDirectory: l.cwd, executable: l.executable)
        }
        #expect(error.description == "scenarios/absent.yaml: no such file")
    }

    /// A name not in the current folder is looked for next to the binary's package
    /// (`<package>/.build/release/simulate` → `<package>/scenarios/`).
    @Test func nameIsFoundNextToTheExecutablesPackage() throws {
        let l = try Layout()
        try l.root.write("pkg/scenarios/delta.yaml", "name: delta\n")
        try l.root.write("pkg/.build/release/simulate", "")
        let executable = l.root.url.appendingPathComponent("pkg/.build/release/simulate")
        let url = try ScenarioLoader.locate("delta", currentDirectory: l.cwd, executable: executable)
        #expect(
            url.standardizedFileURL.path
                == l.root.url.appendingPathComponent("pkg/scenarios/delta.yaml").standardizedFileURL.path)
        // The current folder comes first.
        try l.root.write("pkg/scenarios/alpha.yaml", "name: other-alpha\n")
        let alpha = try ScenarioLoader.locate("alpha", currentDirectory: l.cwd, executable: executable)
        #expect(
            alpha.standardizedFileURL.path
                == l.cwd.appendingPathComponent("scenarios/alpha.yaml").standardizedFileURL.path)
        // Both folders' names are listed when nothing matches.
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.locate("gamma", currentDirectory: l.cwd, executable: executable)
        }
        #expect(error.description.contains("alpha, beta, delta"))
    }

    @Test func theRepositoryScenariosAreFoundByName() throws {
        for name in ["matatika", "smoke", "seed-microbench"] {
            let url = try ScenarioLoader.locate(
                name, currentDirectory: repositoryRoot,
                executable: URL(fileURLWithPath: "/nonexistent/bin/simulate"))
            #expect(url.lastPathComponent == "\(name).yaml")
            _ = try ScenarioLoader.load(file: url)
        }
    }
}
