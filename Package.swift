// swift-tools-version:6.0
import PackageDescription

// Rooms follow docs/architecture.md ("Code layout"): one library target per concept, a thin `simulate` executable.
let package = Package(
    name: "simulate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "simulate", targets: ["simulate"]),
        // For the fuzzing package in fuzz/, which builds these with -sanitize=fuzzer.
        .library(name: "SimulateScenario", targets: ["Scenario"]),
        .library(name: "SimulateEnvironment", targets: ["Environment"]),
        .library(name: "SimulateLogs", targets: ["Logs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // The loopback server (docs/architecture.md, "Code layout"): Hummingbird 2 on SwiftNIO; NIOCore for the channel
        // (dropped connections), HTTPTypes for header names, ServiceLifecycle to stop it gracefully,
        // swift-log to keep it quiet.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Debian's libsqlite3-dev through a module map: no extra build cost, see README.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The shared vocabulary (scenario values, phases, events, jobs, the run summary, cost profiles):
        // no dependencies, so Analysis and Report never link the rooms that do the work.
        .target(name: "Model"),
        // Debian's libpq-dev (the C client Meltano's psycopg wraps): the PostgreSQL system database (docs/systemdb.md).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "Storage", dependencies: ["CSQLite", "CLibPQ", "Model"]),
        // Debian's libcurl4-openssl-dev; shim.h wraps the variadic curl_easy_setopt/getinfo for Swift.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "HTTP",
            dependencies: [
                "CCurl", "Model", "Storage", "Environment", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Descriptor passing, signalfd and PR_SET_PDEATHSIG for the worker zygote (static inline, links nothing).
        .systemLibrary(name: "CProcessControl"),
        .target(name: "Environment", dependencies: ["Model"]),
        .target(name: "Discovery", dependencies: ["Model", "Environment"]),
        .target(name: "Scenario", dependencies: ["Model", .product(name: "Yams", package: "Yams")]),
        // Release profiles measured from a release's own code: the probe (Python, shipped as a resource) and the
        // derivation of a profile from its counts (docs/profiles.md).
        .target(
            name: "Profiling", dependencies: ["Model", "Environment"],
            exclude: ["Probe/README.md", "Probe/results", "Probe/probe_all.py", "Probe/summarize.py"],
            resources: [.copy("Probe/probe.py"), .copy("Probe/sitecustomize.py")]),
        .target(
            name: "Pipeline", dependencies: ["CProcessControl", "Model", "Environment", "Discovery", "Storage", "HTTP"]),
        // Process control: the plan, spawning workers (zygote or exec), the event log.
        .target(name: "ProcessControl", dependencies: ["CProcessControl", "Model", "Environment", "Pipeline"]),
        // The application layer the subcommands call: a whole run, sweep, fit, the tool's own benchmarks.
        .target(
            name: "Application",
            dependencies: [
                "Model", "Scenario", "Environment", "Discovery", "Storage", "HTTP", "Pipeline", "ProcessControl",
                "Logs", "Analysis", "Report",
            ]),
        // Meltano's own logs split into per-run phase timelines (docs/logs.md); Foundation only.
        .target(name: "Logs", dependencies: ["Model"]),
        // Evidence: they read the model only, so the summary's shape never changes because a room's did.
        .target(name: "Analysis", dependencies: ["Model", .product(name: "Histogram", package: "hdrhistogram-swift")]),
        .target(name: "Report", dependencies: ["Model", "Analysis"]),
        .executableTarget(
            name: "simulate",
            dependencies: [
                "Model", "Scenario", "Pipeline", "ProcessControl", "Application", "Analysis", "Report", "Environment",
                "Discovery", "HTTP", "Logs",
                "Profiling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // What several test targets share: temporary folders, and copies of a test binary as worker processes.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ModelTests", dependencies: ["Model", "TestSupport"]),
        .testTarget(name: "ProfilingTests", dependencies: ["Profiling", "Model", "Scenario", "Environment"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "CCurl", "Model", "Storage", "TestSupport"]),
        .testTarget(name: "EnvironmentTests", dependencies: ["Environment", "Model", "TestSupport"]),
        .testTarget(name: "DiscoveryTests", dependencies: ["Discovery", "Environment", "Model", "TestSupport"]),
        .testTarget(
            name: "ScenarioTests", dependencies: ["Scenario", "Model", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Model", "Scenario", "Environment", "Discovery", "Storage", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Model", "Pipeline", "Scenario"]),
        .testTarget(name: "ProcessControlTests", dependencies: ["ProcessControl", "Model", "Scenario"]),
        .testTarget(
            name: "ApplicationTests",
            dependencies: [
                "Application", "Logs", "Model", "Scenario", "Pipeline", "ProcessControl", "Report", "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "ReportTests", dependencies: ["Report", "Analysis", "Model", "Pipeline", "Scenario", "TestSupport"]),
        .testTarget(
            name: "LogsTests", dependencies: ["Logs", "Model", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EndToEndTests", dependencies: ["simulate", "Model", "Storage", "HTTP", "TestSupport"]),
    ]
)
