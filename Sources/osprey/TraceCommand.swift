import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// Options that name the machine to run: a guest directory, the user's own QEMU arguments,
/// or a recording to replay.
struct MachineOptions: ParsableArguments {
    @Option(name: .long, help: "A guest directory made by `osprey guest build`.")
    var guest: String?

    @Option(name: .long, help: "A recording made by `osprey record`: replay it instead of running a machine.")
    var replay: String?

    @Option(name: .long, help: "Architecture for `-- QEMU-ARGS` when they do not start with the QEMU binary (x86_64 or aarch64).")
    var arch: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "Your own QEMU arguments after `--` (optionally starting with qemu-system-x86_64 or qemu-system-aarch64).",
        discussion: """
            With --guest or --replay, arguments after `--` are extra QEMU options added to the machine's own \
            (for example `-- -d guest_errors`), passed to QEMU as they are: what they do is your responsibility \
            (a recording or guest directory itself never adds options).
            """))
    var qemuArguments: [String] = []

    func validate() throws {
        if replay != nil, guest != nil {
            throw ValidationError("--replay runs the recorded machine; drop --guest")
        }
        if guest == nil && replay == nil && qemuArguments.isEmpty {
            throw ValidationError("name a machine: --guest DIR, your QEMU arguments after --, or --replay RECORDING")
        }
        if guest != nil || replay != nil, let first = qemuArguments.first, first.hasPrefix("qemu-system-") {
            throw ValidationError("with --guest or --replay, arguments after -- are extra QEMU options; \(first) names a whole machine: drop it")
        }
        if let arch, Architecture(rawValue: arch) == nil {
            throw ValidationError("unknown --arch \(arch) (x86_64 or aarch64)")
        }
    }

    /// The machine named: a QEMU command, or a recording.
    func source() throws -> MachineSource {
        if let replay { return .recording(URL(fileURLWithPath: replay), extraArguments: qemuArguments) }
        return .machine(try invocation())
    }

    func invocation() throws -> QemuInvocation {
        if let guest {
            var invocation = try QemuInvocation.guest(at: URL(fileURLWithPath: guest))
            invocation.arguments += qemuArguments
            return invocation
        }
        return try QemuInvocation.user(arguments: qemuArguments, architecture: arch.flatMap(Architecture.init(rawValue:)))
    }
}

/// What a plugin run runs: a machine, or the replay of a recording (with the user's own
/// extra QEMU options, passed on as they are).
enum MachineSource {
    case machine(QemuInvocation)
    case recording(URL, stallSeconds: Double = 60, extraArguments: [String] = [])

    /// Runs the plugin in `mode` (trace, profile or check) writing `output`, with progress on
    /// standard error. A run that ends badly is reported, saying that `kept` is in `output`,
    /// and exits with status 2.
    func run(
        mode: String, output: String, profile: String?, console: String?, timeout: Int, kept: String,
        pluginOptions: [(String, String)] = []
    ) throws -> TraceSession.Result {
        let outputURL = URL(fileURLWithPath: output)
        if let profile {
            // The plugin refuses a bad profile too, but inside QEMU; say why before starting it.
            do {
                _ = try ProfileFile.load(profile)
            } catch let error as OspreyError {
                Diagnostics.error(error.description)
                throw ExitCode(1)
            }
        }
        switch self {
        case .machine(let invocation):
            var session = TraceSession(invocation: invocation, traceFile: outputURL)
            session.configure(mode: mode, profile: profile, console: console, pluginOptions: pluginOptions)
            session.timeoutSeconds = timeout
            session.progress = { Diagnostics.note($0) }
            let result = try session.run()
            if let problem = result.outcome.problem {
                Diagnostics.error("\(problem)\n(\(kept) is in \(output))")
                throw ExitCode(2)
            }
            return result
        case .recording(let directory, let stallSeconds, let extraArguments):
            var replayer = try Replayer(directory: directory, output: outputURL, extraArguments: extraArguments)
            replayer.stallSeconds = stallSeconds
            replayer.session.configure(mode: mode, profile: profile, console: console, pluginOptions: pluginOptions)
            replayer.session.timeoutSeconds = max(timeout, replayer.session.timeoutSeconds)
            replayer.progress = { Diagnostics.note($0) }
            let facts = replayer.manifest.facts
            Diagnostics.note("replaying \(directory.path) (\(facts.instructions.map { String(format: "%.2f G instructions", Double($0) / 1e9) } ?? "length unknown"), recorded in \(facts.durationSeconds.map { String(format: "%.1f s", $0) } ?? "?"))")
            let result = try replayer.replay()
            if let problem = result.problem {
                Diagnostics.error("\(problem)\n(\(kept) is in \(output))")
                throw ExitCode(2)
            }
            return TraceSession.Result(outcome: result.outcome, wallSeconds: result.wallSeconds, command: result.command)
        }
    }
}

extension TraceSession {
    mutating func configure(mode: String, profile: String?, console: String?, pluginOptions: [(String, String)]) {
        self.mode = mode
        self.pluginOptions += pluginOptions
        self.profile = profile.map { URL(fileURLWithPath: $0) }
        self.consoleFile = console.map { URL(fileURLWithPath: $0) }
    }
}

/// Which monitors a trace or replay runs, and the profile they read the kernel with.
struct MonitorOptions: ParsableArguments {
    @Option(name: .long, help: "An introspection profile (`osprey profile`): turns on the OS object monitors (processes, files, modules, sockets read from the kernel's own structures).")
    var profile: String?

    @Option(name: .long, help: ArgumentHelp(
        "Comma-separated monitors: syscalls, processes, files, modules, sockets, or all.",
        discussion: "All but syscalls need --profile; with a profile the default is all of them."))
    var monitors: String?

    static let monitorNames = ["syscalls", "processes", "files", "modules", "sockets"]

    /// The monitors asked for (all with a profile, syscalls alone without).
    var chosenMonitors: [String] {
        guard let monitors else { return profile == nil ? ["syscalls"] : Self.monitorNames }
        let names = monitors.split(separator: ",").map(String.init)
        return names.contains("all") ? Self.monitorNames : names
    }

    func validate() throws {
        for m in chosenMonitors where !Self.monitorNames.contains(m) {
            throw ValidationError("unknown monitor '\(m)' (available: \(Self.monitorNames.joined(separator: ", ")), all)")
        }
        if profile == nil, let object = chosenMonitors.first(where: { $0 != "syscalls" }) {
            throw ValidationError("the \(object) monitor reads the kernel's structures and needs --profile (make one with `osprey profile`)")
        }
        if let profile, !FileManager.default.fileExists(atPath: profile) {
            throw ValidationError("profile \(profile) does not exist")
        }
    }

    /// The plugin's `monitors=` option for the object monitors chosen.
    var pluginMonitorOptions: [(String, String)] {
        guard profile != nil else { return [] }
        let objects = chosenMonitors.filter { $0 != "syscalls" }
        return [("monitors", objects.isEmpty ? "none" : objects.joined(separator: "+"))]
    }
}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Boot a guest (or replay a recording) under Osprey and write every system call to a JSON Lines trace.",
        discussion: """
            The run ends when the guest powers off. A guest that panics, or runs past --timeout, is an error; \
            the trace written up to that point is kept. The trace format is described in docs/trace-format.md. \
            `osprey trace --replay REC` is `osprey replay REC`.
            """)

    @OptionGroup var machine: MachineOptions

    @Option(name: .long, help: "Where to write the trace (JSON Lines).")
    var out: String

    @OptionGroup var monitoring: MonitorOptions

    @Option(name: .long, help: "Keep the guest's serial console in this file instead of printing it.")
    var console: String?

    @Option(name: .long, help: "Stop the guest after this many seconds (a replay gets at least 20 times its recording's duration).")
    var timeout: Int = 600

    func validate() throws {
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        try traceRun(source: machine.source(), out: out, monitoring: monitoring, console: console, timeout: timeout)
    }
}

/// Writes a trace of `source` with `monitoring`'s monitors; errors go to standard error.
func traceRun(source: @autoclosure () throws -> MachineSource, out: String, monitoring: MonitorOptions, console: String?, timeout: Int) throws {
    do {
        let result = try source().run(
            mode: "trace", output: out, profile: monitoring.profile, console: console, timeout: timeout,
            kept: "the trace written so far", pluginOptions: monitoring.pluginMonitorOptions)
        Diagnostics.note(String(format: "trace written to %@ (%.1f s)", out, result.wallSeconds))
    } catch let error as OspreyError {
        Diagnostics.error(error.description)
        throw ExitCode(1)
    }
}
