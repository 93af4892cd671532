import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// Options that name the machine to run: a guest directory or the user's own QEMU arguments.
struct MachineOptions: ParsableArguments {
    @Option(name: .long, help: "A guest directory made by `osprey guest build`.")
    var guest: String?

    @Option(name: .long, help: "Architecture for `-- QEMU-ARGS` when they do not start with the QEMU binary (x86_64 or aarch64).")
    var arch: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "Your own QEMU arguments after `--` (optionally starting with qemu-system-x86_64 or qemu-system-aarch64).",
        discussion: "With --guest, arguments after `--` are added to the guest's own (for example `-- -smp 2`)."))
    var qemuArguments: [String] = []

    func validate() throws {
        if guest == nil && qemuArguments.isEmpty {
            throw ValidationError("name a machine: --guest DIR, or your QEMU arguments after --")
        }
        if guest != nil, let first = qemuArguments.first, first.hasPrefix("qemu-system-") {
            throw ValidationError("with --guest, arguments after -- are extra QEMU options; \(first) names a whole machine: drop --guest or the binary")
        }
        if let arch, Architecture(rawValue: arch) == nil {
            throw ValidationError("unknown --arch \(arch) (x86_64 or aarch64)")
        }
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

extension MachineOptions {
    /// Runs the machine with the plugin in `mode` (trace, profile or check) writing `output`,
    /// with progress on standard error. A run that ends badly is reported, saying that `kept`
    /// is in `output`, and exits with status 2.
    func run(
        mode: String, output: String, profile: String?, console: String?, timeout: Int, kept: String,
        pluginOptions: [(String, String)] = []
    ) throws -> TraceSession.Result {
        var session = TraceSession(invocation: try invocation(), traceFile: URL(fileURLWithPath: output))
        session.mode = mode
        session.pluginOptions = pluginOptions
        session.profile = profile.map { URL(fileURLWithPath: $0) }
        session.consoleFile = console.map { URL(fileURLWithPath: $0) }
        session.timeoutSeconds = timeout
        session.progress = { Diagnostics.note($0) }
        let result = try session.run()
        if let problem = result.outcome.problem {
            Diagnostics.error("\(problem)\n(\(kept) is in \(output))")
            throw ExitCode(2)
        }
        return result
    }
}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Boot a guest under Osprey and write every system call to a JSON Lines trace.",
        discussion: """
            The run ends when the guest powers off. A guest that panics, or runs past --timeout, is an error; \
            the trace written up to that point is kept. The trace format is described in docs/trace-format.md.
            """)

    @OptionGroup var machine: MachineOptions

    @Option(name: .long, help: "Where to write the trace (JSON Lines).")
    var out: String

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

    @Option(name: .long, help: "Keep the guest's serial console in this file instead of printing it.")
    var console: String?

    @Option(name: .long, help: "Stop the guest after this many seconds.")
    var timeout: Int = 600

    func validate() throws {
        for m in chosenMonitors where !Self.monitorNames.contains(m) {
            throw ValidationError("unknown monitor '\(m)' (available: \(Self.monitorNames.joined(separator: ", ")), all)")
        }
        if profile == nil, let object = chosenMonitors.first(where: { $0 != "syscalls" }) {
            throw ValidationError("the \(object) monitor reads the kernel's structures and needs --profile (make one with `osprey profile`)")
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
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

    func run() throws {
        do {
            let result = try machine.run(
                mode: "trace", output: out, profile: profile, console: console, timeout: timeout,
                kept: "the trace written so far", pluginOptions: pluginMonitorOptions)
            Diagnostics.note(String(format: "trace written to %@ (%.1f s)", out, result.wallSeconds))
        } catch let error as OspreyError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
    }
}
