// swift-tools-version:6.0
import PackageDescription

// Rooms follow DESIGN.md §7: one library target per concept, a thin `simulate` executable.
let package = Package(
    name: "simulate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "simulate", targets: ["simulate"]),
        // For the fuzzing package in fuzz/, which builds these with -sanitize=fuzzer.
        .library(name: "SimulateScenario", targets: ["Scenario"]),
        .library(name: "SimulateEnvironment", targets: ["Environment"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Debian's libsqlite3-dev through a module map: no extra build cost, see README.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Storage", dependencies: ["CSQLite"]),
        .target(name: "Environment"),
        .target(name: "Discovery", dependencies: ["Environment"]),
        .target(name: "Scenario", dependencies: ["Discovery", .product(name: "Yams", package: "Yams")]),
        .target(name: "Pipeline", dependencies: ["Scenario", "Environment", "Discovery", "Storage"]),
        .target(name: "Coordinator", dependencies: ["Scenario", "Pipeline", "Environment", "Discovery", "Storage", "Analysis", "Report"]),
        .target(name: "Analysis", dependencies: [
            "Scenario", "Pipeline", "Environment", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .target(name: "Report", dependencies: ["Scenario", "Pipeline", "Analysis"]),
        .executableTarget(name: "simulate", dependencies: [
            "Scenario", "Pipeline", "Coordinator", "Analysis", "Report", "Environment", "Discovery",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "EnvironmentTests", dependencies: ["Environment"]),
        .testTarget(name: "DiscoveryTests", dependencies: ["Discovery", "Environment"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Scenario", "Environment", "Discovery", "Storage"]),
        .testTarget(name: "AnalysisTests", dependencies: [
            "Analysis", "Pipeline", "Scenario", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["simulate", "Storage"]),
    ]
)
