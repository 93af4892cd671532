// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Osprey",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "osprey", targets: ["osprey"]),
        // The library QEMU loads with `-plugin PATH/libOspreyPlugin.so`.
        .library(name: "OspreyPlugin", type: .dynamic, targets: ["OspreyPlugin"]),
        .library(name: "OspreyCore", targets: ["OspreyCore"]),
        // The fuzzing harnesses, linked into libFuzzer by the package in Fuzz/ (scripts/fuzz.sh).
        .library(name: "OspreyFuzzing", targets: ["OspreyFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Our own declarations of the QEMU 10.0 plugin API subset we call, the two exported
        // symbols QEMU looks up, and a few prefixed C shims. Nothing else.
        .target(name: "CQemuPlugin"),
        // Pure Swift: architectures, syscall engine, tables, events. No QEMU, no Foundation.
        .target(name: "OspreyCore"),
        // The QEMU adapter: translates plugin callbacks into core calls. Thin.
        .target(name: "OspreyPlugin", dependencies: ["CQemuPlugin", "OspreyCore"]),
        // Builds bootable guests from Debian packages through a private apt configuration.
        .target(name: "OspreyGuestKit"),
        // Runs QEMU with the plugin, reads traces, renders views.
        .target(name: "OspreyTools", dependencies: ["OspreyCore", "OspreyGuestKit"]),
        // Harnesses over the core and the tools for coverage-guided fuzzing; the tests replay
        // their seed corpus and every crash found (Fuzz/corpus, Fuzz/crashes).
        .target(name: "OspreyFuzzing", dependencies: ["OspreyCore", "OspreyTools"]),
        .executableTarget(
            name: "osprey",
            dependencies: [
                "OspreyTools", "OspreyGuestKit", "OspreyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Profiling/Fixtures holds captured guest stops, read by path (xz).
        .testTarget(name: "OspreyCoreTests", dependencies: ["OspreyCore"], exclude: ["Profiling/Fixtures"]),
        .testTarget(name: "OspreyGuestKitTests", dependencies: ["OspreyGuestKit"]),
        .testTarget(name: "OspreyToolsTests", dependencies: ["OspreyTools", "OspreyCore"]),
        .testTarget(name: "OspreyFuzzingTests", dependencies: ["OspreyFuzzing"]),
        // Boots real guests in QEMU with the real plugin. Needs `swift build` first.
        // Scenarios holds guest shell scripts, read by path.
        .testTarget(name: "IntegrationTests", dependencies: ["OspreyTools", "OspreyGuestKit", "OspreyCore"], exclude: ["Scenarios"]),
    ]
)
