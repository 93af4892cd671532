import ArgumentParser
import Foundation
import OspreyTools

struct ModulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modules",
        abstract: "List the executables and shared libraries each process mapped, with base addresses.",
        discussion: """
            Needs a trace made with a profile (`osprey trace --profile P.json`), from its `module` events: \
            per process (those that have exited too), every executable and library it mapped, the lowest \
            address it sits at, and the events (seq) that loaded and unloaded it. An execve unloads the old \
            program's modules; a module still mapped when the process exited has no unload.

                pid 119 pigz -p 2 -k random.bin  (exited at seq 4165)
                  0x400000       /usr/bin/busybox  loaded at seq 3801, unloaded at seq 3835
                  0x55740fbae000 /usr/bin/pigz     loaded at seq 3836

            --json writes an array of {pid, comm, cmdline, exit_seq, modules: [{path, base, load_seq, \
            unload_seq}]}, base as a "0x..." string, null where unknown.

            --comm matches the comm or the program name of the command line. Processes come in the order \
            of their first module event.

            Example: osprey modules trace.jsonl --comm pigz
            """)

    @Argument(help: "A trace written by `osprey trace --profile`.")
    var trace: String

    @OptionGroup var only: ProcessFilter

    @Flag(name: .long, help: "One JSON document instead of text.")
    var json = false

    func run() throws {
        let file = try loadObjectTrace(trace)
        let history = ModuleHistory(events: file.objectEvents)
        let shown = history.processes.filter { only.matches(pid: $0.pid, comm: $0.comm, argv: $0.argv) }
        if json {
            try printJSON(shown)
            return
        }
        var selected = history
        selected.processes = shown
        print(selected.render(), terminator: "")
        if history.processes.isEmpty {
            Diagnostics.note("\(trace) has no module events (traced with --monitors without modules?)")
        } else if shown.isEmpty {
            Diagnostics.note("no process matches")
        }
    }
}
