import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// `osprey record`: one run of a machine under QEMU's record/replay, for any number of
/// analyses later.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run a guest once under QEMU's record/replay and keep the recording for replays.",
        discussion: """
            The guest runs with no analysis loaded (only Osprey's instruction counter), so it behaves as \\
            it would on its own; `osprey replay`, `osprey profile --replay` and `osprey trace --replay` then \\
            analyse the same execution as often as needed, each time identically.

            The recording directory holds QEMU's replay log, the kernel and initrd it booted, a qcow2 overlay \\
            per disk (your image is only read: the recording and every replay write to throw-away \\
            snapshots), and manifest.json (architecture, QEMU version and arguments, duration, instruction \\
            count). Disks are put under QEMU's blkreplay driver and each -netdev under filter-replay. What \\
            QEMU cannot replay faithfully (KVM, -blockdev, -cdrom, host devices passed through, a -nic or -net \\
            that is not a -netdev) is refused with the reason.
            """)

    @OptionGroup var machine: MachineOptions

    @Option(name: .long, help: "The recording directory to create (must not exist, or be empty).")
    var out: String

    @Option(name: .long, help: "Keep the guest's serial console in this file instead of printing it.")
    var console: String?

    @Option(name: .long, help: "Stop the guest after this many seconds (the recording ends there).")
    var timeout: Int = 600

    func validate() throws {
        if machine.replay != nil { throw ValidationError("record runs a machine: give --guest DIR or QEMU arguments after --, not --replay") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        do {
            var recorder = Recorder(invocation: try machine.invocation(), directory: URL(fileURLWithPath: out))
            recorder.consoleFile = console.map { URL(fileURLWithPath: $0) }
            recorder.timeoutSeconds = timeout
            recorder.progress = { Diagnostics.note($0) }
            Diagnostics.note("recording into \(out)")
            let result = try recorder.record()
            let count = result.manifest.instructions.map { String(format: "%.2f G instructions", Double($0) / 1e9) } ?? "instruction count unknown"
            Diagnostics.note(String(format: "recorded %@ in %.1f s (%@): %@", out, result.wallSeconds, count, result.outcome.summary))
            if let problem = result.outcome.problem {
                Diagnostics.note("the recorded run did not end cleanly (\(problem)); the recording replays it as it was")
            }
        } catch let error as OspreyError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
    }
}

/// `osprey replay`: a recording, replayed with the plugin (a trace, with monitors if a
/// profile is given).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recording under Osprey and write its trace (with the OS object monitors given a profile).",
        discussion: """
            Every replay of a recording executes the same instructions, so two replays with the same options \\
            write the same trace, byte for byte, and every event carries the instruction count (`icount`) of \\
            its moment, the same in any trace of that recording. Progress is shown as instructions replayed \\
            of the recording's total. A replay that stops making progress (--stall-timeout) or runs past the \\
            recording is stopped and reported as diverged.
            """)

    @Argument(help: "The recording directory (`osprey record --out`).")
    var recording: String

    @Option(name: .long, help: "Where to write the trace (JSON Lines).")
    var out: String

    @OptionGroup var monitoring: MonitorOptions

    @Option(name: .long, help: "Keep the guest's serial console in this file instead of printing it.")
    var console: String?

    @Option(name: .long, help: "Seconds without a replayed instruction before the replay counts as stalled.")
    var stallTimeout: Int = 60

    @Option(name: .long, help: "Stop the replay after this many seconds (default: 20 times the recording's duration, at least 600).")
    var timeout: Int = 600

    func validate() throws {
        if stallTimeout <= 0 || timeout <= 0 { throw ValidationError("--stall-timeout and --timeout must be positive") }
    }

    func run() throws {
        try traceRun(source: .recording(URL(fileURLWithPath: recording), stallSeconds: Double(stallTimeout)), out: out, monitoring: monitoring, console: console, timeout: timeout)
    }
}
