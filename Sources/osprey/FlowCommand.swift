import ArgumentParser
import Foundation
import OspreyTools

struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Draw how data flowed between processes through files, pipes and sockets (Graphviz DOT).",
        discussion: """
            Needs a trace made with a profile (`osprey trace --profile P.json`): each call that moved data \
            (read, write and their v-, p- and socket forms; sendfile, splice and copy_file_range as a read \
            and a write) has its descriptor looked up in the process's descriptor table at that moment, as \
            the object monitors' events rebuild it. Edges go from a process to what it wrote to and from \
            what it read to the process, labelled with the bytes moved. Files are named by path, pipes and \
            sockets by inode; the two ends of a connection inside the guest (TCP over loopback, a \
            socketpair) are one "channel" node.

            Processes are boxes labelled "pid comm"; files ellipses, pipes diamonds, sockets hexagons, \
            channels double octagons. The DOT goes to standard output unless --dot, --svg or --json is \
            given. --svg runs Graphviz's `dot -Tsvg`, which must be on PATH. --json writes {"nodes": \
            [{id, kind, label, and pid (processes), path (files) or inodes (pipes, sockets, channels)}], \
            "edges": [{from, to, bytes, calls}], "unresolved": N}, N being the transfers left out because \
            their descriptor was never seen open.

            Example: osprey flow trace.jsonl --svg flow.svg
            """)

    @Argument(help: "A trace written by `osprey trace --profile`.")
    var trace: String

    @Option(name: .long, help: "Write the DOT source to this file.")
    var dot: String?

    @Option(name: .long, help: "Render the graph to this SVG file with Graphviz (`dot`).")
    var svg: String?

    @Flag(name: .long, help: "Print the graph as JSON (nodes and edges) instead of DOT.")
    var json = false

    func run() throws {
        let file = try loadObjectTrace(trace)
        let graph = DataFlowGraph(syscalls: file.syscalls, events: file.objectEvents)
        if graph.unresolved > 0 {
            Diagnostics.note("\(graph.unresolved) transfer(s) on descriptors the trace never showed open were left out")
        }
        let source = graph.dot()
        if let dot {
            do {
                try Data(source.utf8).write(to: URL(fileURLWithPath: dot))
            } catch {
                Diagnostics.error("cannot write \(dot): \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
        if let svg { try render(source, svg: svg) }
        if json {
            try printJSON(graph)
        } else if dot == nil && svg == nil {
            print(source, terminator: "")
        }
    }

    /// Runs `dot -Tsvg -o FILE` on the DOT source (through a temporary file).
    private func render(_ source: String, svg: String) throws {
        guard let program = Self.onPath("dot") else {
            Diagnostics.error("Graphviz is not installed: `dot` is not on PATH (Debian: apt-get install graphviz); --dot FILE writes the DOT source")
            throw ExitCode(1)
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-flow-\(getpid()).dot")
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-Tsvg", "-o", svg, input.path]
        let errors = Pipe()
        process.standardError = errors
        do {
            try Data(source.utf8).write(to: input)
            try process.run()
        } catch {
            Diagnostics.error("cannot run \(program): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            Diagnostics.error("dot failed (status \(process.terminationStatus))\(text.isEmpty ? "" : ": " + text)")
            throw ExitCode(1)
        }
    }

    /// The first executable `name` in the directories of PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
