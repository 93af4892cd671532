import ArgumentParser

@main
struct Osprey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osprey",
        abstract: "Virtual machine introspection for Linux guests in QEMU: every system call, from outside the guest.",
        discussion: """
            Osprey runs a guest in QEMU with its plugin and writes what the guest does to a JSON Lines trace, \
            without agents, debug symbols or per-kernel profiles.

            Start with `osprey demo`. Build guests with `osprey guest build`, trace them with `osprey trace`, \
            and read traces with `osprey summary`, `osprey syscalls` and `osprey files`; traces made with a \
            profile also have the guest's processes (`osprey ps`), modules, sockets and pipes (`osprey net`) \
            and data flow (`osprey flow`).
            """,
        version: OspreyVersion.string,
        subcommands: [
            DemoCommand.self, GuestCommand.self, ProfileCommand.self, TraceCommand.self, RecordCommand.self, ReplayCommand.self, SummaryCommand.self, SyscallsCommand.self, FilesCommand.self,
            PsCommand.self, ModulesCommand.self, NetCommand.self, FlowCommand.self,
        ]
    )
}

enum OspreyVersion {
    static let string = "0.1.0"
}
