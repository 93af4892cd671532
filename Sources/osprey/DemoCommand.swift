import ArgumentParser
import Foundation
import OspreyCore
import OspreyGuestKit
import OspreyTools

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole flow on the default guest: build it, learn its profile, trace it, show what it did.",
        discussion: """
            Builds a Debian 6.1 amd64 + busybox guest whose scenario creates, reads and writes files, starts \
            processes and uses a pipe; boots it once to learn the kernel's profile (no symbols); runs it again \
            under Osprey with every monitor on; prints counts per system call and per process, and the \
            process tree the kernel's own structures showed. Downloads go to the cache (~/.cache/osprey or \
            $OSPREY_CACHE) once.
            """)

    @Option(name: .long, help: "The Debian kernel package of the guest.")
    var kernel: String = DemoCommand.defaultKernel

    @Option(name: .long, help: "Directory for the guest, trace and console log.")
    var outDir: String = "osprey-demo"

    @Option(name: .long, help: "Stop the guest after this many seconds.")
    var timeout: Int = 600

    static let defaultKernel = "linux-image-6.1.0-56-amd64"

    func run() throws {
        let out = URL(fileURLWithPath: outDir).standardizedFileURL
        let guestDir = out.appendingPathComponent("guest")
        let trace = out.appendingPathComponent("trace.jsonl")
        let console = out.appendingPathComponent("console.txt")
        do {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            Diagnostics.note("building the default guest from \(kernel) in \(guestDir.path)")
            let kit = GuestKit(progress: { Diagnostics.line($0) })
            _ = try kit.build(GuestBuildRequest(
                kernelPackage: kernel, kernelFile: nil, architecture: nil, scenarioFile: nil, packages: [],
                outDir: guestDir.path))
            let profile = out.appendingPathComponent("profile.json")
            Diagnostics.note("booting the guest once to learn its kernel's profile (\(profile.path))")
            var profiling = TraceSession(invocation: try QemuInvocation.guest(at: guestDir), traceFile: profile)
            profiling.mode = "profile"
            profiling.consoleFile = out.appendingPathComponent("profile-console.txt")
            profiling.timeoutSeconds = timeout
            profiling.progress = { Diagnostics.note($0) }
            let learned = try profiling.run()
            if let problem = learned.outcome.problem {
                Diagnostics.error("\(problem)\n(console: \(profiling.consoleFile?.path ?? "-"))")
                throw ExitCode(2)
            }
            Diagnostics.note("booting the guest under Osprey with the profile and all monitors (console in \(console.path))")
            var session = TraceSession(invocation: try QemuInvocation.guest(at: guestDir), traceFile: trace)
            session.profile = profile
            session.consoleFile = console
            session.timeoutSeconds = timeout
            session.progress = { Diagnostics.note($0) }
            let result = try session.run()
            if let problem = result.outcome.problem {
                Diagnostics.error("\(problem)\n(console: \(console.path), trace so far: \(trace.path))")
                throw ExitCode(2)
            }
            let file = try TraceReader.read(trace)
            print(TraceSummary(file).render(), terminator: "")
            print("")
            print(Self.pathReport(file))
            print("")
            print("Processes, from the kernel's own structures (osprey ps):")
            print(ProcessTree(SystemState(events: file.objectEvents)).render(), terminator: "")
            print("")
            print(String(format: "Guest run: %.1f s wall time. Trace: %@  Console: %@", result.wallSeconds, trace.path, console.path))
            print("Next: osprey syscalls \(trace.path) --comm cat; osprey ps \(trace.path) --json; osprey flow \(trace.path)")
        } catch let error as OspreyError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        } catch let error as GuestKitError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
    }

    /// Which of the scenario's files were seen opened, with the path read from guest memory.
    static func pathReport(_ trace: TraceFile) -> String {
        let opened = Set(trace.syscalls.filter { $0.name == "open" || $0.name == "openat" }.flatMap { $0.strings.values })
        var lines = ["Files the scenario opens, as read from guest memory at open/openat:"]
        for path in DefaultScenario.openedPaths {
            lines.append("  \(opened.contains(path) ? "seen   " : "MISSING") \(path)")
        }
        return lines.joined(separator: "\n")
    }
}
