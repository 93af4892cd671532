import Foundation
import OspreyCore

/// Replays a recording (``RecordingManifest``) with the plugin in any mode (trace, profile,
/// check), following the replay's instruction count: progress as instructions replayed of
/// the recording's total, and a replay that stalls or runs past the recording is stopped and
/// reported instead of hanging.
///
/// Everything the recording says is checked when the replayer is made, before anything runs
/// (``RecordingManifest/load(from:)``); the QEMU command is built from the description
/// (``MachineCommand``) and the binary is `qemu-system-ARCH` from PATH. Only the user's
/// `extraArguments` (their own command line) are passed on as they are.
public struct Replayer {
    /// The recording directory, its links resolved.
    public var directory: URL
    public var manifest: RecordingManifest
    /// The plugin run: mode, output file, profile and further options.
    public var session: TraceSession
    /// Seconds without progress before a replay counts as stalled.
    public var stallSeconds: Double = 60
    /// Progress messages.
    public var progress: (@Sendable (String) -> Void)?
    /// Seconds between progress messages.
    public var progressInterval: Double = 5

    /// Loads and checks the recording in `directory` for a plugin run writing `output`;
    /// `extraArguments` (the user's own QEMU options) go after the recording's.
    public init(directory: URL, output: URL, extraArguments: [String] = []) throws {
        manifest = try RecordingManifest.load(from: directory)
        do throws(MachineProblem) {
            self.directory = try ContainedPath.root(directory)
        } catch {
            throw OspreyError(error.reason)
        }
        var invocation = QemuInvocation.machine(
            manifest.machine, in: self.directory, drives: .recordReplay, ownsConsole: manifest.ownsConsole)
        invocation.arguments += ["-icount", manifest.icountOption("replay")] + extraArguments
        session = TraceSession(invocation: invocation, traceFile: output)
        // A replay is as long as its recording in instructions, not in time: no wall-clock limit
        // by default beyond a generous multiple of the recording's duration.
        session.timeoutSeconds = max(600, Int((manifest.facts.durationSeconds ?? 60) * 20))
    }

    public struct Result: Sendable {
        public var outcome: RunOutcome
        public var wallSeconds: Double
        /// Instructions replayed (the plugin's last count).
        public var instructions: UInt64?
        /// What went wrong, judged against the recording; nil for a faithful replay.
        public var problem: String?
        public var command: String
    }

    /// Checks what the replay depends on, runs it and judges the result.
    public func replay() throws -> Result {
        if let profile = session.profile { try checkKernel(of: profile) }
        let recorded = manifest.facts.qemuVersion
        let current = Recorder.version(of: session.invocation.binary)
        if !recorded.isEmpty, !current.isEmpty, current != recorded {
            progress?("the recording was made with \(TextEscaping.token(recorded)); this is \(current): QEMU may refuse its log")
        }
        let total = manifest.facts.instructions
        let limit = total.map { $0 + $0 / 50 + 50_000_000 }
        let reporter = ProgressLine(total: total, interval: progressInterval, say: progress)
        let watch = InstructionWatch(stallSeconds: stallSeconds, limit: limit) { reporter.update($0) }
        var session = self.session
        session.pluginOptions += [("progress", "1")]
        session.instructionWatch = watch
        let result = try session.run()
        let replayed = watch.instructions
        if session.mode == "profile" { noteBanner(from: session.traceFile) }
        return Result(
            outcome: result.outcome, wallSeconds: result.wallSeconds, instructions: replayed,
            problem: judge(result.outcome, replayed: replayed), command: result.command)
    }

    /// A replay is faithful when it ends the way the recording did, about where it did.
    func judge(_ outcome: RunOutcome, replayed: UInt64?) -> String? {
        switch outcome {
        case .stalled, .diverged, .timedOut:
            return outcome.problem
        case .qemuFailed(let status, let detail) where status != 0:
            return "QEMU stopped the replay (status \(status))" + (detail.isEmpty ? "" : ":\n\(detail)")
        default:
            break
        }
        let recorded = manifest.facts.outcome ?? ""
        var same = outcome.summary == recorded
        if case .qemuFailed(0, _) = outcome, !recorded.hasPrefix("the guest powered off") {
            same = true  // the recording was stopped: its replay ends where QEMU was told to quit
        }
        if !same {
            return "the replay ended differently from the recording (recorded: \(TextEscaping.token(recorded)); replayed: \(outcome.summary))"
        }
        if let total = manifest.facts.instructions, let replayed, replayed < total - total / 100 {
            return "the replay ended at \(replayed) instructions, short of the recording's \(total): it diverged"
        }
        return nil
    }

    /// A profile of another architecture, or whose kernel is not the recording's (when the
    /// recording's is known), is an error before a long replay, not after it.
    func checkKernel(of profile: URL) throws {
        guard let loaded = Self.profile(at: profile) else { return }
        let architecture = manifest.machine.architecture
        if loaded.kernel.architecture != architecture {
            throw OspreyError("\(profile.path) is a profile for \(loaded.kernel.architecture.rawValue), but the recording is \(architecture.rawValue)")
        }
        if let banner = manifest.facts.kernelBanner, let theirs = loaded.kernel.banner, !theirs.isEmpty, theirs != banner {
            throw OspreyError("\(profile.path) is a profile of another kernel:\n  profile:   \(TextEscaping.token(theirs))\n  recording: \(TextEscaping.token(banner))")
        }
    }

    /// Keeps the kernel banner a profile replay found in the manifest, so later replays can
    /// refuse a profile of another kernel before they start.
    func noteBanner(from profile: URL) {
        guard let banner = Self.profile(at: profile)?.kernel.banner, !banner.isEmpty,
              banner.utf8.count <= RecordingFacts.maximumText,
              var current = try? RecordingManifest.load(from: directory), current.facts.kernelBanner != banner else { return }
        current.facts.kernelBanner = banner
        do {
            try current.save(to: directory)
        } catch {
            progress?("could not note the kernel banner in \(directory.path)/\(RecordingManifest.fileName): \(error.localizedDescription)")
        }
    }

    private static func profile(at url: URL) -> KernelProfile? { try? ProfileFile.load(url.path) }
}

/// Progress messages of a replay: "41% (2.8 of 6.7 G instructions)", at most every `interval`.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `last` is behind `lock`.
    private let total: UInt64?
    private let interval: Double
    private let say: (@Sendable (String) -> Void)?
    private let lock = NSLock()
    private var last = Date()
    private let start = Date()

    init(total: UInt64?, interval: Double, say: (@Sendable (String) -> Void)?) {
        self.total = total
        self.interval = interval
        self.say = say
    }

    func update(_ count: UInt64) {
        let now = Date()
        lock.lock()
        let due = now.timeIntervalSince(last) >= interval
        if due { last = now }
        lock.unlock()
        guard due, let say else { return }
        say(Self.text(count: count, total: total, seconds: now.timeIntervalSince(start)))
    }

    static func text(count: UInt64, total: UInt64?, seconds: Double) -> String {
        let done = String(format: "%.2f", Double(count) / 1e9)
        guard let total, total > 0 else { return "replayed \(done) G instructions (\(Int(seconds)) s)" }
        let percent = min(100, Int(Double(count) * 100 / Double(total)))
        return "replayed \(percent)% (\(done) of \(String(format: "%.2f", Double(total) / 1e9)) G instructions, \(Int(seconds)) s)"
    }
}
