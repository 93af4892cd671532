import Foundation
import OspreyCore

/// What the harnesses read besides their input: the offsets of the Debian 6.1.0-56-amd64
/// kernel as pahole read them from its BTF (the fixture the profile engine's tests use), so the
/// readers and the monitor look at captured memory of that kernel the way a right profile would.
public enum FuzzFixtures {
    /// The repository's root (from this file's place in it).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/OspreyCoreTests/Profiling/Fixtures")
    /// The captured stops (xz-compressed capture lines) of a real 6.1 amd64 boot.
    public static let capture = fixtures.appendingPathComponent("linux-6.1.0-56-amd64.capture.jsonl.xz")

    /// Offsets by profile key (`current_task` is the per-CPU offset).
    public static let truth: [String: Int] = {
        let url = fixtures.appendingPathComponent("linux-6.1.0-56-amd64.btf.json")
        guard let data = FileManager.default.contents(atPath: url.path), let json = try? JSONValue.parse(bytes: Array(data)) else {
            fatalError("osprey-fuzz: cannot read \(url.path)")
        }
        var offsets: [String: Int] = [:]
        for (key, value) in json["offsets"]?.objectValue ?? [] { offsets[key] = value.intValue }
        return offsets
    }()

    /// A profile with the offsets of `keys` (all of them when nil).
    public static func profile(keys: Set<String>? = nil) -> KernelProfile {
        var profile = KernelProfile(kernel: KernelIdentity(banner: nil, architecture: .x86_64))
        for (key, value) in truth where key != "current_task" && (keys?.contains(key) ?? true) { profile.offsets[key] = value }
        if let current = truth["current_task"], keys?.contains("current_task") ?? true {
            profile.currentTask = .perCPU(baseRegister: "gs_base", offset: current)
        }
        profile.vmaContainer = .mapleTree
        return profile
    }

    /// The stops of the capture fixture.
    public static func capturedStops() throws -> [CapturedStop] {
        let xz = Process()
        xz.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
        xz.arguments = ["-dc", capture.path]
        let pipe = Pipe()
        xz.standardOutput = pipe
        try xz.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        xz.waitUntilExit()
        return try CapturedStop.file(String(decoding: data, as: UTF8.self)).stops
    }
}
