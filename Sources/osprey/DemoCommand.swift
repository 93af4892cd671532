import ArgumentParser
import Foundation
import OspreyCore
import OspreyGuestKit
import OspreyTools

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole flow on the default guest: build it, record it, learn its profile from a replay, replay it with every monitor.",
        discussion: """
            Builds a Debian 6.1 amd64 + busybox guest whose scenario creates, reads and writes files, starts \
            processes and uses a pipe and TCP; records one run of it with QEMU's record/replay (no analysis \
            in the recorded run); replays the recording once to learn the kernel's profile (no symbols) and \
            once more with every monitor on; prints counts per system call and per process, and the process \
            tree the kernel's own structures showed. Downloads go to the cache (~/.cache/osprey or \
            $OSPREY_CACHE) once.
            """)

    @Option(name: .long, help: "The Debian kernel package of the guest.")
    var kernel: String = DemoCommand.defaultKernel

    @Option(name: .long, help: "Directory for the guest, recording, profile, trace and console logs (emptied of earlier demo results).")
    var outDir: String = "osprey-demo"

    @Option(name: .long, help: "Stop the guest after this many seconds.")
    var timeout: Int = 600

    static let defaultKernel = "linux-image-6.1.0-56-amd64"

    func run() throws {
        let out = URL(fileURLWithPath: outDir).standardizedFileURL
        let guestDir = out.appendingPathComponent("guest")
        let recording = out.appendingPathComponent("recording")
        let profile = out.appendingPathComponent("profile.json")
        let trace = out.appendingPathComponent("trace.jsonl")
        let console = out.appendingPathComponent("console.txt")
        do {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            Diagnostics.note("building the default guest from \(kernel) in \(guestDir.path)")
            let kit = GuestKit(progress: { Diagnostics.line($0) })
            _ = try kit.build(GuestBuildRequest(
                kernelPackage: kernel, kernelFile: nil, architecture: nil, scenarioFile: nil, packages: [],
                outDir: guestDir.path))

            try? FileManager.default.removeItem(at: recording)
            Diagnostics.note("1/3 recording one run of the guest (QEMU record/replay, nothing analysed) into \(recording.path)")
            var recorder = Recorder(invocation: try QemuInvocation.guest(at: guestDir), directory: recording)
            recorder.consoleFile = out.appendingPathComponent("record-console.txt")
            recorder.timeoutSeconds = timeout
            recorder.progress = { Diagnostics.note($0) }
            let recorded = try recorder.record()
            if let problem = recorded.outcome.problem {
                Diagnostics.error("\(problem)\n(console: \(recorder.consoleFile?.path ?? "-"))")
                throw ExitCode(2)
            }
            Diagnostics.note(String(format: "recorded in %.1f s: %.2f G instructions", recorded.wallSeconds, Double(recorded.manifest.facts.instructions ?? 0) / 1e9))

            Diagnostics.note("2/3 replaying it to learn the kernel's profile (\(profile.path))")
            _ = try MachineSource.recording(recording).run(
                mode: "profile", output: profile.path, profile: nil, console: out.appendingPathComponent("profile-console.txt").path,
                timeout: timeout, kept: "what was learned so far")

            Diagnostics.note("3/3 replaying it with the profile and every monitor (console in \(console.path))")
            let result = try MachineSource.recording(recording).run(
                mode: "trace", output: trace.path, profile: profile.path, console: console.path, timeout: timeout,
                kept: "the trace so far")

            let file = try TraceReader.read(trace)
            print(TraceSummary(file).render(), terminator: "")
            print("")
            print(Self.pathReport(file))
            print("")
            print("Processes, from the kernel's own structures (osprey ps):")
            print(ProcessTree(SystemState(events: file.objectEvents)).render(), terminator: "")
            print("")
            print(String(format: "Recording: %.1f s wall time. Replay with every monitor: %.1f s. Every replay of %@ writes the same trace.", recorded.wallSeconds, result.wallSeconds, recording.path))
            print("Trace: \(trace.path)  Console: \(console.path)")
            print("Next: osprey syscalls \(trace.path) --comm cat; osprey ps \(trace.path) --json; osprey flow \(trace.path); osprey replay \(recording.path) --out again.jsonl --profile \(profile.path)")
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
            lines.append("  \(opened.contains(GuestText(path)) ? "seen   " : "MISSING") \(path)")
        }
        return lines.joined(separator: "\n")
    }
}
