// swift-tools-version: 6.1
// The fuzzing build of Osprey's harnesses (Sources/OspreyFuzzing in the main package), linked
// with libFuzzer. Built only by scripts/fuzz.sh, with coverage and AddressSanitizer flags; the
// main package's `swift build` never sees it.
import PackageDescription

let package = Package(
    name: "OspreyFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Osprey", path: "..")],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver (from libclang_rt.fuzzer_no_main, which the
        // script links): SwiftPM gives an executable its own main, so libFuzzer's cannot be used.
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "osprey-fuzz",
            dependencies: ["CLibFuzzer", .product(name: "OspreyFuzzing", package: "Osprey")]),
    ]
)
