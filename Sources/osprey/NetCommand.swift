import ArgumentParser
import Foundation
import OspreyTools

struct NetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net",
        abstract: "List the sockets and pipes of a trace, and the inet sockets open at the end.",
        discussion: """
            Needs a trace made with a profile (`osprey trace --profile P.json`), from its socket, pipe and \
            file events. Three sections:

            - sockets, by inode: protocol (tcp, udp, unix, netlink...), last known local -> remote \
            address, a state the events imply (CREATED, BOUND, LISTEN, ESTABLISHED, PAIRED), the \
            processes and descriptors that held it, and its events (create, bind, listen, connect, \
            accept, pair) with their seq;
            - pipes, by inode: who created it (seq, read and write descriptors) and every descriptor \
            that held an end;
            - the inet sockets still open in a live process at the end (or after --at SEQ), as \
            /proc/net/tcp and /proc/net/udp would list them.

            --json writes {"seq", "sockets", "pipes", "alive"} with the same content.

            Example: osprey net trace.jsonl --at 4770
            """)

    @Argument(help: "A trace written by `osprey trace --profile`.")
    var trace: String

    @Option(name: .long, help: "Only the events up to this sequence number (default: the whole trace).")
    var at: UInt64?

    @Flag(name: .long, help: "One JSON document instead of text.")
    var json = false

    private struct Document: Encodable {
        var seq: UInt64
        var sockets: [NetworkInventory.Socket]
        var pipes: [NetworkInventory.Pipe]
        var alive: [NetworkInventory.Endpoint]
    }

    func run() throws {
        let file = try loadObjectTrace(trace)
        let inventory = NetworkInventory(events: file.objectEvents, upTo: clampedSeq(at, in: file) ?? lastSeq(of: file))
        if json {
            try printJSON(Document(seq: inventory.seq, sockets: inventory.sockets, pipes: inventory.pipes, alive: inventory.alive))
        } else {
            print(inventory.render(), terminator: "")
        }
    }
}
