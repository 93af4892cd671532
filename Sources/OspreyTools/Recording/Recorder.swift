import Foundation
import OspreyCore

/// `osprey record`: runs a machine once under QEMU's record/replay into a recording
/// directory (``RecordingManifest``), with only Osprey's instruction counter loaded.
///
/// The machine's command line becomes a ``MachineDescription`` first (``MachineArguments``:
/// what cannot be recorded, or reaches the host, is refused with every reason before anything
/// runs); its files are copied into the recording (``RecordingFiles``); the copy is checked as
/// a replay checks it; and the recording run's command is built from it by the same
/// ``MachineCommand`` every replay uses, so what is recorded is what is replayed.
public struct Recorder {
    public var invocation: QemuInvocation
    public var directory: URL
    public var consoleFile: URL?
    public var timeoutSeconds = 600
    public var plugin: URL?
    public var progress: (@Sendable (String) -> Void)?

    /// `-icount shift=3` for every recording: each instruction advances the guest's clock by
    /// 8 ns (2^3; about TCG's own speed on the machines we measured), and idle time jumps to
    /// the next timer (QEMU's default sleep=on). A fixed rate keeps the log small (no clock
    /// adjustments to record) and the replay fast; `sleep=off` is not used because a guest that
    /// waits for its disk then never sees the request complete.
    public static let icountShift = 3
    static let countFile = "record-count.json"

    public init(invocation: QemuInvocation, directory: URL) {
        self.invocation = invocation
        self.directory = directory
    }

    public struct Result: Sendable {
        public var outcome: RunOutcome
        public var manifest: RecordingManifest
        public var wallSeconds: Double
    }

    /// Records. Throws, leaving nothing behind, when the machine cannot be recorded or QEMU
    /// refuses to start; a run that ends badly (a panic, a timeout) is still a recording.
    public func record() throws -> Result {
        let fm = FileManager.default
        let dir = directory.standardizedFileURL
        if fm.fileExists(atPath: dir.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? ["?"]
            guard contents.isEmpty else {
                throw OspreyError("\(dir.path) already exists and is not empty; choose another --out or remove it")
            }
        }
        let parsed: MachineDescription
        do {
            parsed = try MachineArguments.parse(invocation.arguments, architecture: invocation.architecture)
        } catch {
            throw OspreyError(error.description)
        }
        let workingDirectory = invocation.workingDirectory ?? URL(fileURLWithPath: fm.currentDirectoryPath)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        var keep = false
        defer { if !keep { try? fm.removeItem(at: dir) } }
        let copied = try RecordingFiles.copy(parsed, from: workingDirectory, into: dir)
        var manifest = RecordingManifest(machine: copied, icountShift: Self.icountShift, ownsConsole: invocation.ownsConsole)
        let root: URL
        do throws(MachineProblem) {
            root = try ContainedPath.root(dir)
            manifest.machine = try copied.contained(in: root)
        } catch {
            throw OspreyError("the recording's copy of the machine does not pass the replay's checks: \(error)")
        }

        var run = QemuInvocation.machine(manifest.machine, in: root, drives: .recordReplay, ownsConsole: invocation.ownsConsole)
        run.binary = invocation.binary
        run.arguments += ["-icount", manifest.icountOption("record")]
        manifest.facts.recordCommand = run.commandLine  // without the plugin: the machine, not this host's paths
        let countURL = root.appendingPathComponent(Self.countFile)
        try run.addPlugin(try plugin ?? PluginLocator.locate(), options: [("mode", "count"), ("out", countURL.path)])
        manifest.facts.qemuVersion = Self.version(of: run.binary)
        manifest.facts.recordedAt = ISO8601DateFormatter().string(from: Date())

        var runner = GuestRunner(invocation: run, consoleFile: consoleFile, timeoutSeconds: timeoutSeconds)
        runner.progress = progress
        let start = Date()
        let outcome = try runner.run()
        let wall = Date().timeIntervalSince(start)
        let count = Self.readCount(countURL)
        try? fm.removeItem(at: countURL)
        if case .qemuFailed(_, let detail) = outcome, (count ?? 0) == 0 {
            throw OspreyError("QEMU did not record the machine" + (detail.isEmpty ? "" : ":\n\(detail)"))
        }
        manifest.facts.durationSeconds = (wall * 10).rounded() / 10
        manifest.facts.instructions = count
        manifest.facts.outcome = outcome.summary
        try manifest.save(to: root)
        keep = true
        return Result(outcome: outcome, manifest: manifest, wallSeconds: wall)
    }

    /// The instruction count the plugin wrote (mode=count), if it did.
    static func readCount(_ file: URL) -> UInt64? {
        guard let text = try? String(contentsOf: file, encoding: .utf8), let value = try? JSONValue.parse(text),
              let count = value["instructions"]?.intValue, count >= 0 else { return nil }
        return UInt64(count)
    }

    /// `BINARY --version`'s first line ("" if it cannot be run).
    static func version(of binary: String) -> String {
        guard let url = try? GuestRunner.resolve(binary) else { return "" }
        let process = Process()
        process.executableURL = url
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? SignalMask.runUnblocked(process)) != nil else { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }
}
