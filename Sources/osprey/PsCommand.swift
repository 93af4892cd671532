import ArgumentParser
import Foundation
import OspreyTools

struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "Print the guest's process tree at the end of a trace, or after one of its events.",
        discussion: """
            Needs a trace made with a profile (`osprey trace --profile P.json`): the tree is rebuilt from the \
            process, thread, file and region events the object monitors read from the kernel's own structures.

            Every process known at that point is listed under its parent: the ones alive and the ones that \
            have exited, marked with how they ended (`exited 0`, `killed by SIGKILL`). --alive leaves the \
            exited ones out. Kernel threads show as [name], other processes by their command line. Columns: \
            pid, parent pid, state (the /proc letter as the monitors last read it, when they first saw the \
            process; Z once it exited), uid, command.

                PID    PPID S      UID  COMMAND
                 84       1 S        0  sh /scenario.sh
                 95      84 Z        0   \\_ cat /tmp/osprey-demo/a.txt  (exited 0)

            --at SEQ shows the state after event SEQ (the trace's `seq` numbers; a number past the end \
            shows the end). --json writes {"seq": N, "processes": [...]}: per process pid, ppid, tgid, \
            comm, cmdline (argv joined by spaces, or null), exe, state, uid, kernel_thread, threads, fds \
            ([{fd, path}] by fd), maps ([{start, end, perms, offset, path}] by start, numbers as "0x..." \
            strings) and, once exited, exit_code or exit_signal.

            --pid and --comm pick processes (--comm matches the comm or the program name of the command \
            line: busybox applets started through /proc/self/exe have the comm `exe`); a process whose \
            parent is left out is shown as a root.

            Example: osprey ps trace.jsonl --at 1600 --comm sh
            """)

    @Argument(help: "A trace written by `osprey trace --profile`.")
    var trace: String

    @Option(name: .long, help: "Show the state after the event with this sequence number (default: the end of the trace).")
    var at: UInt64?

    @OptionGroup var only: ProcessFilter

    @Flag(name: .long, help: "Leave out processes that have exited.")
    var alive = false

    @Flag(name: .long, help: "One JSON document instead of the tree.")
    var json = false

    func run() throws {
        let file = try loadObjectTrace(trace)
        let limit = clampedSeq(at, in: file)
        let state = SystemState(events: file.objectEvents, upTo: limit ?? lastSeq(of: file))
        let include: (SystemState.Process) -> Bool = { p in only.matches(p) && (!alive || p.exit == nil) }
        if json {
            try printJSON(ProcessSnapshot(state, including: include))
            return
        }
        let tree = ProcessTree(state, including: include)
        print(limit == nil ? "processes at the end of the trace (after event \(state.seq))" : "processes after event \(state.seq)")
        print(tree.render(), terminator: "")
        if tree.rows.isEmpty {
            Diagnostics.note(state.processes.isEmpty ? "no process was known yet at that point" : "no process matches")
        }
    }
}
