import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// Reads a trace, reporting corrupt lines on stderr.
func loadTrace(_ path: String) throws -> TraceFile {
    do {
        let trace = try TraceReader.read(URL(fileURLWithPath: path))
        if !trace.corruptLines.isEmpty {
            let shown = trace.corruptLines.prefix(5).map(String.init).joined(separator: ", ")
            Diagnostics.note("\(path): skipped \(trace.corruptLines.count) corrupt line(s) (line \(shown)\(trace.corruptLines.count > 5 ? ", ..." : ""))")
        }
        if !trace.hasFooter {
            Diagnostics.note("\(path) has no end record: the run was cut short; showing what was written")
        }
        return trace
    } catch let error as OspreyError {
        Diagnostics.error(error.description)
        throw ExitCode(1)
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Count a trace's system calls per name and per process.")

    @Argument(help: "A trace written by `osprey trace`.")
    var trace: String

    @Option(name: .long, help: "How many of the most frequent calls to list.")
    var top: Int = 25

    func run() throws {
        print(TraceSummary(try loadTrace(trace)).render(topCalls: top), terminator: "")
    }
}

struct SyscallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syscalls",
        abstract: "Print a trace's system calls one per line, in strace's syntax.",
        discussion: """
            Lines come in the order calls were made (strace's order); -f puts the pid in front, as \
            `strace -f` does. Arguments are shown as strace shows them, from the memory the trace \
            captured (its `decoded` field): strings and buffers quoted, structs such as stat, \
            sockaddr, sigaction and pollfd spelled out, flags and errors by name. What the trace \
            did not capture (an output of a failed call, an unreadable page, a trace made with \
            decode=off) shows as its address, as strace shows a pointer it cannot read.

            Example: osprey syscalls trace.jsonl -f --comm cat
            """)

    @Argument(help: "A trace written by `osprey trace`.")
    var trace: String

    @OptionGroup var only: ProcessFilter

    @Flag(name: .customShort("f"), help: "Start each line with the pid (strace -f's form).")
    var followForks = false

    @Option(name: .customShort("s"), help: "Bytes of each string and buffer to show (strace -s; the trace keeps 32 unless traced with buffer_bytes=N).")
    var stringLimit = 32

    func validate() throws {
        guard stringLimit >= 0 else { throw ValidationError("-s takes a number of bytes, 0 or more") }
    }

    func run() throws {
        let file = try loadTrace(trace)
        for s in file.syscalls.sorted(by: { $0.entry < $1.entry }) where s.end != "child" {
            if !only.matches(pid: s.pid, comm: s.comm) { continue }
            print(SyscallLineFormatter.line(s, withPID: followForks, stringLimit: stringLimit))
        }
    }
}

/// `--pid` and `--comm`, shared by the views.
struct ProcessFilter: ParsableArguments {
    @Option(name: .long, help: "Only this process id.")
    var pid: Int?

    @Option(name: .long, help: "Only processes with this name (comm), as the views print it: plain, or in double quotes with the escapes a view shows (\"my\\tprog\", \"\\377x\").")
    var comm: String?

    /// `--comm` as the exact bytes to match.
    var commText: GuestText? {
        guard let comm else { return nil }
        return GuestText(bytes: TextEscaping.unescape(Substring(comm)) ?? Array(comm.utf8))
    }

    func validate() throws {
        if let comm, comm.hasPrefix("\""), TextEscaping.unescape(Substring(comm)) == nil {
            throw ValidationError("--comm \(comm): a quoted name needs its closing quote and valid escapes (\\n \\t \\\" \\\\ \\NNN octal)")
        }
    }

    func matches(pid: Int?, comm: GuestText?) -> Bool {
        (self.pid == nil || pid == self.pid) && (self.comm == nil || comm == commText)
    }
}
