import Foundation
import OspreyCore
import OspreyGuestKit
import OspreyTools
import Testing

/// Shared pieces of the tests that boot real guests: the built plugin, guests built once per
/// test process through the real guest kit, and traced runs.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let defaultKernel = "linux-image-6.1.0-56-amd64"
    static let arm64Kernel = "linux-image-6.1.0-56-arm64"

    /// The plugin built by `swift build` (or `$OSPREY_PLUGIN`).
    static func plugin() throws -> URL {
        if let env = ProcessInfo.processInfo.environment["OSPREY_PLUGIN"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let url = packageRoot.appendingPathComponent(".build/debug/libOspreyPlugin.so")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw OspreyError("\(url.path) is missing: run `swift build` before the tests (scripts/test.sh does)")
        }
        return url
    }

    /// Scratch directory for one test's outputs.
    static func scratch(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-tests/\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private static let built = Locked([String: URL]())

    /// Builds (once per test process) a guest and returns its directory; with `disk`, a disk
    /// guest (its files on an ext4 root in `disk.qcow2`, see ``diskGuest(kernel:)``).
    static func guest(
        _ name: String, kernel: String, packages: [String] = [], scenario: String? = nil, disk: Bool = false
    ) throws -> URL {
        try built.withLock { cache in
            if let dir = cache[name] { return dir }
            let kit = GuestKit(progress: { print("[guest kit] \($0)") })
            let dir = kit.cacheRoot.appendingPathComponent("test-guests/\(name)")
            var scenarioFile: String?
            if let scenario {
                let file = try scratch("scenario-\(name)").appendingPathComponent("scenario.sh")
                try scenario.write(to: file, atomically: true, encoding: .utf8)
                scenarioFile = file.path
            }
            _ = try kit.build(GuestBuildRequest(
                kernelPackage: kernel, kernelFile: nil, architecture: nil, scenarioFile: scenarioFile,
                packages: packages, outDir: dir.path, disk: disk))
            cache[name] = dir
            return dir
        }
    }

    /// The default scenario's guest for `kernel` as a disk guest (built once per test
    /// process): the initramfs loads the kernel's virtio and ext4 modules, mounts
    /// `disk.qcow2` (`/dev/vda`) and runs the disk's `/init`. QEMU writes to the disk while
    /// the guest runs.
    static func diskGuest(kernel: String) throws -> URL {
        try guest("disk-\(kernel)", kernel: kernel, disk: true)
    }

    private static let profiles = Locked([String: URL]())

    /// A profile of `kernel` made by Osprey on the default guest: the one a test of this
    /// process already made (`remember`), or a new one (a profile-mode boot).
    static func profile(kernel: String) throws -> URL {
        if let known = profiles.withLock({ $0[kernel] }) { return known }
        let guest = try guest("default-\(kernel)", kernel: kernel)
        let out = try scratch("profile-\(kernel)")
        var session = TraceSession(invocation: try QemuInvocation.guest(at: guest), traceFile: out.appendingPathComponent("profile.json"))
        session.mode = "profile"
        session.plugin = try plugin()
        session.consoleFile = out.appendingPathComponent("console.txt")
        session.timeoutSeconds = 600
        let result = try session.run()
        guard result.outcome == .poweredOff(scenarioStatus: 0) else {
            throw OspreyError("profiling \(kernel) ended with \(result.outcome)")
        }
        remember(profile: session.traceFile, kernel: kernel)
        return session.traceFile
    }

    /// Keeps a profile made by a test (on the default guest, default machine) for others.
    static func remember(profile: URL, kernel: String) {
        profiles.withLock { $0[kernel] = profile }
    }

    /// Traces a guest; returns the outcome, the trace and the console text.
    static func trace(
        guest: URL, extraQemuArguments: [String] = [], timeout: Int = 300, name: String, profile: URL? = nil,
        pluginOptions: [(String, String)] = []
    ) throws -> (outcome: RunOutcome, trace: TraceFile, console: String, traceURL: URL) {
        let out = try scratch(name)
        var invocation = try QemuInvocation.guest(at: guest)
        invocation.arguments += extraQemuArguments
        var session = TraceSession(invocation: invocation, traceFile: out.appendingPathComponent("trace.jsonl"))
        session.profile = profile
        session.pluginOptions = pluginOptions
        session.consoleFile = out.appendingPathComponent("console.txt")
        session.plugin = try plugin()
        session.timeoutSeconds = timeout
        let result = try session.run()
        let console = (try? String(contentsOf: out.appendingPathComponent("console.txt"), encoding: .utf8)) ?? ""
        let trace = try TraceReader.read(session.traceFile)
        print("[\(name)] \(String(format: "%.1f", result.wallSeconds)) s, \(trace.syscalls.count) events, outcome \(result.outcome)")
        return (result.outcome, trace, console, session.traceFile)
    }
}

/// Runs a program, returning its exit status, standard output and standard error.
func runProgram(_ path: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try SignalMask.runUnblocked(p)
    let deadline = Date().addingTimeInterval(timeout)
    let outData = Locked(Data()), errData = Locked(Data())
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        let d = out.fileHandleForReading.readDataToEndOfFile()
        outData.withLock { $0 = d }
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        let d = err.fileHandleForReading.readDataToEndOfFile()
        errData.withLock { $0 = d }
        group.leave()
    }
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if p.isRunning { p.terminate() }
    p.waitUntilExit()
    group.wait()
    return (p.terminationStatus, String(decoding: outData.withLock { $0 }, as: UTF8.self), String(decoding: errData.withLock { $0 }, as: UTF8.self))
}
