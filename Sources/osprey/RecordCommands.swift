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
            The guest runs with no analysis loaded (only Osprey's instruction counter), so it behaves as \
            it would on its own; `osprey replay`, `osprey profile --replay` and `osprey trace --replay` then \
            analyse the same execution as often as needed, each time identically.

            The machine's command line becomes a description (machine type, CPU, memory, boot files, drives, \
            user-mode netdevs, a few devices) that is checked before anything runs: what QEMU cannot replay \
            faithfully (KVM, -smp 2, -blockdev, -cdrom, a -nic that is not a -netdev) and whatever reaches \
            the host (-chardev, -serial file:, -virtfs, -object, -device loader, hostfwd/guestfwd/smb/tftp, \
            dumpdtb, paths the recording cannot hold) is refused with the reason.

            The recording is self-contained: its directory holds QEMU's replay log, a copy of the kernel, \
            initrd, device tree and firmware, each disk flattened into one qcow2 file (qemu-img convert; \
            your image is only read), and manifest.json (format osprey-recording/2: the description with \
            paths inside the recording, the -icount rate, QEMU version, duration, instruction count). \
            Disks are opened under QEMU's blkreplay driver with writes going to throw-away snapshots, and \
            each -netdev gets filter-replay. A recording names no host path and no command, so it can be \
            handed to someone else.
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
            let count = result.manifest.facts.instructions.map { String(format: "%.2f G instructions", Double($0) / 1e9) } ?? "instruction count unknown"
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
            Every replay of a recording executes the same instructions, so two replays with the same options \
            write the same trace, byte for byte, and every event carries the instruction count (`icount`) of \
            its moment, the same in any trace of that recording. Progress is shown as instructions replayed \
            of the recording's total. A replay that stops making progress (--stall-timeout) or runs past the \
            recording is stopped and reported as diverged.

            A recording is data: its manifest is read strictly (unknown fields, paths outside the recording, \
            links leading out of it, qcow2 images with a backing or data file are refused, naming the field), \
            and the QEMU command is built from its description; the binary is qemu-system-ARCH from PATH. \
            Options after `--` are yours, added to the replay's command as they are (your responsibility).
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

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "Your own extra QEMU options after `--`, added to the replay's command as they are (your responsibility)."))
    var qemuArguments: [String] = []

    func validate() throws {
        if stallTimeout <= 0 || timeout <= 0 { throw ValidationError("--stall-timeout and --timeout must be positive") }
        if let first = qemuArguments.first, first.hasPrefix("qemu-system-") {
            throw ValidationError("arguments after -- are extra QEMU options; \(first) names a whole machine: drop it")
        }
    }

    func run() throws {
        let source = MachineSource.recording(URL(fileURLWithPath: recording), stallSeconds: Double(stallTimeout), extraArguments: qemuArguments)
        try traceRun(source: source, out: out, monitoring: monitoring, console: console, timeout: timeout)
    }
}
