// swift-tools-version:6.0
import PackageDescription

// Fuzz targets for libFuzzer, kept out of the main package so CI's default build stays plain.
// Build and run them with scripts/fuzz.sh (swift build -Xswiftc -sanitize=fuzzer).
let package = Package(
    name: "simulate-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzScenario", dependencies: ["FuzzDriver", .product(name: "SimulateScenario", package: "main")]),
        .executableTarget(name: "FuzzEntryPoints", dependencies: ["FuzzDriver", .product(name: "SimulateEnvironment", package: "main")]),
        .executableTarget(name: "FuzzLogLine", dependencies: ["FuzzDriver", .product(name: "SimulateLogs", package: "main")]),
        .executableTarget(name: "FuzzTimeline", dependencies: ["FuzzDriver", .product(name: "SimulateLogs", package: "main")]),
    ]
)
