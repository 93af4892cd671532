import ArgumentParser
import Foundation
import OspreyTools

struct FilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Print a trace's file operations as an abstract log: open, read, write, close... with handle names.",
        discussion: """
            One operation per line, in the order calls were made, platform-independent (the abstract log \
            of ABI-based introspection), e.g. for `cat /tmp/a`:

              [pid 95 cat] open(name /tmp/a, mode READ, handle 0x3)
              [pid 95 cat] read(handle 0x3 /tmp/a, buffer 0x7ffd1000, length 0x1000) = 0x9
              [pid 95 cat] close(handle 0x3 /tmp/a)

            Operations: open (open, openat, openat2, creat; also eventfd, memfd_create...), read and write \
            (read, pread64, readv, preadv2... and both sides of sendfile, splice, copy_file_range), close, \
            dup (dup, dup2, dup3, F_DUPFD), map (mmap of a file), pipe, socket, accept, seek. Numbers are in hex; \
            a failed call ends in its error (`= ENOENT`), one that never returned in `= ?`.

            Every handle shows its name: the path it was opened with (relative paths resolved against the \
            directory handle or the working directory, when the trace showed them), `pipe#N:read`, \
            `socket#N`, or `?` for a handle the trace never showed being opened. Handle tables follow fork \
            (children copy their parent's), execve (close-on-exec handles close) and dup2. The trace does not \
            hold the two numbers socketpair() returns in memory (nor pipe()'s, when traced with decode=off): \
            they are worked out as the two lowest numbers not in use (the kernel's rule), and marked \
            "inferred" in --json. In a trace made with a profile, a handle the calls never showed opened \
            (one inherited from before the trace began) and a relative path take the kernel's own name \
            for the descriptor (its /proc/PID/fd link, from the object monitors' file events).

            --opened lists each file a process opened by path once: its name, and every mode and handle \
            (or error) it was opened with:

              [pid 95 cat] /tmp/a: mode READ, handle 0x3
              [pid 98 cat] /nonexistent/file: mode READ, error ENOENT

            Example: osprey files trace.jsonl --comm cat
            """)

    @Argument(help: "A trace written by `osprey trace`.")
    var trace: String

    @OptionGroup var only: ProcessFilter

    @Flag(name: .long, help: "List each file a process opened once, with its modes and handles, instead of every operation.")
    var opened = false

    @Flag(name: .long, help: "One JSON object per line (hex strings for addresses, as in the trace) instead of text.")
    var json = false

    func run() throws {
        let file = try loadTrace(trace)
        let operations = FileOperationLog.withKernelNames(FileOperationLog.operations(in: file), trace: file).filter {
            only.matches(pid: $0.pid, comm: $0.comm)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit<T: Encodable>(_ value: T, _ text: String) throws {
            if json {
                print(String(decoding: JSONOutput.terminalSafe(try encoder.encode(value)), as: UTF8.self))
            } else {
                print(text)
            }
        }
        if opened {
            for f in FileOperationLog.openedFiles(operations) { try emit(f, f.line) }
        } else {
            for o in operations { try emit(o, o.line) }
        }
    }
}
