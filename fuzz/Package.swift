// swift-tools-version:6.0
import PackageDescription

// The main package is this folder's parent; SwiftPM names a path dependency after its folder, so the
// name is taken from the checkout (`main`, a worktree's name, a fresh clone's) rather than assumed.
let mainPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main").lowercased()

// Fuzz targets for libFuzzer, kept out of the main package so CI's default build stays plain.
// Build and run them with scripts/fuzz.sh (swift build -Xswiftc -sanitize=fuzzer).
let package = Package(
    name: "simulate-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzScenario", dependencies: ["FuzzDriver", .product(name: "SimulateScenario", package: mainPackage)]),
        .executableTarget(name: "FuzzEntryPoints", dependencies: ["FuzzDriver", .product(name: "SimulateEnvironment", package: mainPackage)]),
        .executableTarget(name: "FuzzLogLine", dependencies: ["FuzzDriver", .product(name: "SimulateLogs", package: mainPackage)]),
        .executableTarget(name: "FuzzTimeline", dependencies: ["FuzzDriver", .product(name: "SimulateLogs", package: mainPackage)]),
    ]
)
