import Foundation

/// One run of a guest under the plugin, watched to its end: a trace (`mode` "trace"), a
/// profile ("profile") or a profile check ("check") is written to `traceFile`.
public struct TraceSession {
    /// The plugin's mode: trace, profile or check.
    public var mode = "trace"
    public var invocation: QemuInvocation
    public var traceFile: URL
    public var consoleFile: URL?
    public var profile: URL?
    /// Further plugin options (key, value), e.g. `capture` in profile mode.
    public var pluginOptions: [(String, String)] = []
    public var timeoutSeconds = 600
    public var plugin: URL?
    public var progress: (@Sendable (String) -> Void)?
    /// Follows the plugin's instruction count (replays).
    public var instructionWatch: InstructionWatch?

    public init(invocation: QemuInvocation, traceFile: URL) {
        self.invocation = invocation
        self.traceFile = traceFile
    }

    public struct Result: Sendable {
        public var outcome: RunOutcome
        public var wallSeconds: Double
        public var command: String

        public init(outcome: RunOutcome, wallSeconds: Double, command: String) {
            self.outcome = outcome
            self.wallSeconds = wallSeconds
            self.command = command
        }
    }

    /// Runs the guest with tracing on. The trace is written even when the run fails.
    public func run() throws -> Result {
        var inv = invocation
        let library = try plugin ?? PluginLocator.locate()
        let out = traceFile.standardizedFileURL
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        var options = [("mode", mode), ("out", out.path)]
        if let profile { options.append(("profile", profile.standardizedFileURL.path)) }
        options += pluginOptions
        try inv.addPlugin(library, options: options)
        var runner = GuestRunner(invocation: inv, consoleFile: consoleFile, timeoutSeconds: timeoutSeconds)
        runner.progress = progress
        runner.instructionWatch = instructionWatch
        let start = Date()
        let outcome = try runner.run()
        return Result(outcome: outcome, wallSeconds: Date().timeIntervalSince(start), command: inv.commandLine)
    }
}
