import ArgumentParser
import Foundation
import OspreyCore
import OspreyGuestKit
import OspreyTools

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole flow on the default guest: build it, trace it, summarise the trace.",
        discussion: """
            Builds a Debian 6.1 amd64 + busybox guest whose scenario creates, reads and writes files, starts \
            processes and uses a pipe; runs it under Osprey; prints counts per system call and per process. \
            Downloads go to the cache (~/.cache/osprey or $OSPREY_CACHE) once.
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
            Diagnostics.note("booting the guest under Osprey (console in \(console.path))")
            var session = TraceSession(invocation: try QemuInvocation.guest(at: guestDir), traceFile: trace)
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
            print(String(format: "Guest run: %.1f s wall time. Trace: %@  Console: %@", result.wallSeconds, trace.path, console.path))
            print("Next: osprey syscalls \(trace.path) --comm cat")
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
