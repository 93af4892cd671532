import Foundation
import Testing
import OspreyCore
@testable import OspreyTools

/// Builds a trace by hand: calls numbered in the order they are added (entry = seq), except the
/// child's side of a fork, which carries its parent's entry.
private struct Script {
    var abi: String
    var calls: [TraceSyscall] = []
    var next: UInt64 = 1

    init(abi: String = "x86_64") { self.abi = abi }

    @discardableResult
    mutating func add(_ name: String, _ args: [UInt64], _ ret: Int64?, pid: Int = 95, comm: String? = "cat",
                      strings: [Int: String] = [:], end: String = "returned", entry: UInt64? = nil,
                      space: UInt64 = 0x1000) -> TraceSyscall {
        let s = TraceSyscall(
            seq: next, entry: entry ?? next, vcpu: 0, abi: abi, addressSpace: space, stackPointer: 0x7ff0, pc: 0x401000,
            pid: pid, tid: pid, comm: comm.map { GuestText($0) }, number: 0, name: name, args: args + Array(repeating: 0, count: 6 - args.count),
            strings: strings.mapValues { GuestText($0) }, result: ret, end: end)
        calls.append(s)
        next += 1
        return s
    }

    var lines: [String] { FileOperationLog.operations(calls).map(\.line) }
}

private let atFDCWD = UInt64(bitPattern: -100)
private let stdout: UInt64 = 1

@Suite("Abstract file log")
struct FileOperationLogTests {
    @Test func openReadCloseShowTheHandlesName() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0o2000000], 3, strings: [1: "/tmp/sc/list"])  // O_RDONLY|O_CLOEXEC
        s.add("read", [3, 0x7ffd12345678, 0x1000], 9)
        s.add("read", [3, 0x7ffd12345678, 0x1000], 0)
        s.add("close", [3], 0)
        s.add("read", [3, 0x7ffd12345678, 0x1000], -9)
        #expect(s.lines == [
            "[pid 95 cat] open(name /tmp/sc/list, mode READ, handle 0x3)",
            "[pid 95 cat] read(handle 0x3 /tmp/sc/list, buffer 0x7ffd12345678, length 0x1000) = 0x9",
            "[pid 95 cat] read(handle 0x3 /tmp/sc/list, buffer 0x7ffd12345678, length 0x1000) = 0x0",
            "[pid 95 cat] close(handle 0x3 /tmp/sc/list)",
            "[pid 95 cat] read(handle 0x3 ?, buffer 0x7ffd12345678, length 0x1000) = EBADF",
        ])
    }

    @Test func failedOpenShowsTheErrorAndNoHandle() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0], -2, strings: [1: "/nonexistent/file"])
        s.add("write", [2, 0x7fff0000, 0x3f], 63)
        #expect(s.lines == [
            "[pid 95 cat] open(name /nonexistent/file, mode READ) = ENOENT",
            "[pid 95 cat] write(handle 0x2 ?, buffer 0x7fff0000, length 0x3f) = 0x3f",
        ])
        let ops = FileOperationLog.operations(s.calls)
        #expect(ops[0].error == "ENOENT" && ops[0].handle == nil && ops[0].result == -2)
    }

    @Test func modesFollowEachArchitecturesFlags() {
        #expect(FileOperationLog.openMode(0, abi: "x86_64") == "READ")
        #expect(FileOperationLog.openMode(0o1, abi: "x86_64") == "WRITE")
        #expect(FileOperationLog.openMode(0o2, abi: "aarch64") == "READ|WRITE")
        #expect(FileOperationLog.openMode(0o1101, abi: "x86_64") == "WRITE|CREATE|TRUNCATE")
        #expect(FileOperationLog.openMode(0o2101, abi: "aarch64") == "WRITE|CREATE|APPEND")
        // O_DIRECTORY is 0o200000 on x86-64 and 0o40000 on AArch64 (where 0o200000 is O_DIRECT).
        #expect(FileOperationLog.openMode(0o2200000, abi: "x86_64") == "READ|DIRECTORY")
        #expect(FileOperationLog.openMode(0o2200000, abi: "aarch64") == "READ")
        #expect(FileOperationLog.openMode(0o40000, abi: "aarch64") == "READ|DIRECTORY")
        #expect(FileOperationLog.openMode(0o40000, abi: "x86_64") == "READ")  // O_DIRECT there
        #expect(FileOperationLog.openMode(0o10200000, abi: "x86_64") == "PATH|DIRECTORY")
        #expect(FileOperationLog.openMode(0o20200002, abi: "x86_64") == "READ|WRITE|TMPFILE")
    }

    @Test func creatAndOpenTakeThePathFromArgumentZero() {
        var s = Script(abi: "i386")
        s.add("creat", [0x5000, 0o644], 3, strings: [0: "/tmp/new"])
        s.add("open", [0x5000, 0o2], 4, strings: [0: "/tmp/rw"])
        s.add("write", [3, 0x8000, 4], 4)
        #expect(s.lines == [
            "[pid 95 cat] open(name /tmp/new, mode WRITE|CREATE|TRUNCATE, handle 0x3)",
            "[pid 95 cat] open(name /tmp/rw, mode READ|WRITE, handle 0x4)",
            "[pid 95 cat] write(handle 0x3 /tmp/new, buffer 0x8000, length 0x4) = 0x4",
        ])
    }

    @Test func dup2ClosesItsTargetAndTheNewHandleKeepsTheName() {
        // sh's `ls > /tmp/sc/list`: save stdout, open, dup2 onto 1, close, run, restore.
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0o1101, 0o666], 3, comm: "sh", strings: [1: "/tmp/sc/list"])
        s.add("fcntl", [1, 1030, 10], 11, comm: "sh")  // F_DUPFD_CLOEXEC
        s.add("dup2", [3, 1], 1, comm: "sh")
        s.add("close", [3], 0, comm: "sh")
        s.add("write", [1, 0x46a0da0, 9], 9, comm: "sh")
        s.add("dup2", [11, 1], 1, comm: "sh")
        s.add("write", [1, 0x46a0da0, 2], 2, comm: "sh")
        #expect(s.lines == [
            "[pid 95 sh] open(name /tmp/sc/list, mode WRITE|CREATE|TRUNCATE, handle 0x3)",
            "[pid 95 sh] dup(handle 0x1 ?, new handle 0xb)",
            "[pid 95 sh] dup(handle 0x3 /tmp/sc/list, new handle 0x1, replaces ?)",
            "[pid 95 sh] close(handle 0x3 /tmp/sc/list)",
            "[pid 95 sh] write(handle 0x1 /tmp/sc/list, buffer 0x46a0da0, length 0x9) = 0x9",
            "[pid 95 sh] dup(handle 0xb ?, new handle 0x1, replaces /tmp/sc/list)",
            "[pid 95 sh] write(handle 0x1 ?, buffer 0x46a0da0, length 0x2) = 0x2",
        ])
    }

    @Test func forkCopiesTheTableAndExecClosesCloseOnExecHandles() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0o2000000], 3, pid: 10, comm: "sh", strings: [1: "/a"])  // O_CLOEXEC
        s.add("openat", [atFDCWD, 0x5000, 0], 4, pid: 10, comm: "sh", strings: [1: "/b"])
        s.add("openat", [atFDCWD, 0x5000, 0], 5, pid: 10, comm: "sh", strings: [1: "/c"])
        s.add("fcntl", [5, 2, 1], 0, pid: 10, comm: "sh")  // F_SETFD FD_CLOEXEC
        let fork = s.add("clone", [0x1200011], 11, pid: 10, comm: "sh")
        s.add("clone", [0x1200011], 0, pid: 11, comm: "sh", end: "child", entry: fork.entry, space: 0x2000)
        s.add("close", [4], 0, pid: 11, comm: "sh", space: 0x2000)
        s.add("openat", [atFDCWD, 0x5000, 0o2000000], 4, pid: 11, comm: "sh", strings: [1: "/d"], space: 0x2000)
        s.add("read", [3, 0x10, 1], 1, pid: 11, comm: "sh", space: 0x2000)
        s.add("execve", [0x5000], 0, pid: 11, comm: "sh", strings: [0: "/bin/cat"], end: "exec", space: 0x2000)
        s.add("read", [3, 0x10, 1], -9, pid: 11, comm: "cat", space: 0x3000)
        s.add("read", [4, 0x10, 1], -9, pid: 11, comm: "cat", space: 0x3000)
        s.add("read", [5, 0x10, 1], -9, pid: 11, comm: "cat", space: 0x3000)
        s.add("read", [0, 0x10, 1], 1, pid: 11, comm: "cat", space: 0x3000)
        s.add("read", [4, 0x10, 1], 1, pid: 10, comm: "sh")  // the parent's 4 is still /b
        #expect(s.lines == [
            "[pid 10 sh] open(name /a, mode READ, handle 0x3)",
            "[pid 10 sh] open(name /b, mode READ, handle 0x4)",
            "[pid 10 sh] open(name /c, mode READ, handle 0x5)",
            "[pid 11 sh] close(handle 0x4 /b)",
            "[pid 11 sh] open(name /d, mode READ, handle 0x4)",
            "[pid 11 sh] read(handle 0x3 /a, buffer 0x10, length 0x1) = 0x1",
            "[pid 11 cat] read(handle 0x3 ?, buffer 0x10, length 0x1) = EBADF",
            "[pid 11 cat] read(handle 0x4 ?, buffer 0x10, length 0x1) = EBADF",
            "[pid 11 cat] read(handle 0x5 ?, buffer 0x10, length 0x1) = EBADF",
            // 0..2 were open below the first 3 the kernel handed out: inherited, unnamed.
            "[pid 11 cat] read(handle 0x0 ?, buffer 0x10, length 0x1) = 0x1",
            "[pid 10 sh] read(handle 0x4 /b, buffer 0x10, length 0x1) = 0x1",
        ])
    }

    @Test func threadsAndCloneFilesShareOneTable() {
        var s = Script(abi: "aarch64")
        let spawn = s.add("clone", [0x400 | 0x11], 20, pid: 10, comm: "a")  // CLONE_FILES|SIGCHLD
        s.add("clone", [0x400 | 0x11], 0, pid: 20, comm: "a", end: "child", entry: spawn.entry)
        s.add("openat", [atFDCWD, 0x5000, 0], 3, pid: 20, comm: "a", strings: [1: "/shared"])
        s.add("read", [3, 0x10, 1], 1, pid: 10, comm: "a")
        #expect(s.lines.last == "[pid 10 a] read(handle 0x3 /shared, buffer 0x10, length 0x1) = 0x1")
    }

    @Test func mapsOfFilesAreListedAndAnonymousMapsAreNot() {
        var s = Script()
        let libc = "/lib/x86_64-linux-gnu/libc.so.6"
        s.add("openat", [atFDCWD, 0x5000, 0o2000000], 3, comm: "getconf", strings: [1: libc])
        s.add("mmap", [0, 0x1f3e50, 1, 0x802, 3, 0], 0x7fbe_bff4_7000, comm: "getconf")
        s.add("mmap", [0x7fbe_bff6_f000, 0x163000, 5, 0x812, 3, 0x28000], 0x7fbe_bff6_f000, comm: "getconf")
        s.add("mmap", [0x7fbe_c012_e000, 0xce50, 3, 0x32, UInt64.max, 0], 0x7fbe_c012_e000, comm: "getconf")  // anonymous
        s.add("mmap", [0, 0x2000, 3, 0x22, 3, 0], 0x7fbe_c016_0000, comm: "getconf")  // MAP_ANONYMOUS, stray fd
        s.add("close", [3], 0, comm: "getconf")
        s.add("mmap", [0, 0x1000, 1, 0x2, 7, 0], -9, comm: "getconf")
        #expect(s.lines == [
            "[pid 95 getconf] open(name \(libc), mode READ, handle 0x3)",
            "[pid 95 getconf] map(handle 0x3 \(libc), address 0x7fbebff47000, length 0x1f3e50, offset 0x0, protection READ)",
            "[pid 95 getconf] map(handle 0x3 \(libc), address 0x7fbebff6f000, length 0x163000, offset 0x28000, protection READ|EXEC)",
            "[pid 95 getconf] close(handle 0x3 \(libc))",
            "[pid 95 getconf] map(handle 0x7 ?, length 0x1000, offset 0x0, protection READ) = EBADF",
        ])
    }

    @Test func mmap2OffsetsAreInPages() {
        var s = Script(abi: "i386")
        s.add("open", [0x5000, 0], 3, strings: [0: "/lib/libc.so.6"])
        s.add("mmap2", [0, 0x1000, 5, 0x802, 3, 0x28], 0xf7f0_0000)
        #expect(s.lines.last == "[pid 95 cat] map(handle 0x3 /lib/libc.so.6, address 0xf7f00000, length 0x1000, offset 0x28000, protection READ|EXEC)")
    }

    @Test func pipeEndsAreTheLowestFreeHandlesAndFollowDup3() {
        // AArch64 sh: `cat g | tr a-z A-Z`.
        var s = Script(abi: "aarch64")
        s.add("openat", [atFDCWD, 0x5000, 0o2000000], 3, pid: 88, comm: "sh", strings: [1: "/tmp/work.sh"])
        s.add("fcntl", [3, 1030, 10], 10, pid: 88, comm: "sh")
        s.add("close", [3], 0, pid: 88, comm: "sh")
        s.add("pipe2", [0x7fff7c3db300, 0], 0, pid: 88, comm: "sh")
        let fork = s.add("clone", [0x1200011], 96, pid: 88, comm: "sh")
        s.add("clone", [0x1200011], 0, pid: 96, comm: "sh", end: "child", entry: fork.entry)
        s.add("close", [4], 0, pid: 88, comm: "sh")
        s.add("close", [3], 0, pid: 96, comm: "sh")
        s.add("dup3", [4, stdout, 0], 1, pid: 96, comm: "sh")
        s.add("close", [4], 0, pid: 96, comm: "sh")
        s.add("write", [stdout, 0x46a0c00, 5], 5, pid: 96, comm: "sh")
        s.add("pipe2", [0x7fff7c3db300, 0o2000000], 0, pid: 88, comm: "sh")  // O_CLOEXEC
        s.add("execve", [0x5000], 0, pid: 88, comm: "sh", end: "exec")
        s.add("close", [4], -9, pid: 88, comm: "tr")
        #expect(s.lines == [
            "[pid 88 sh] open(name /tmp/work.sh, mode READ, handle 0x3)",
            "[pid 88 sh] dup(handle 0x3 /tmp/work.sh, new handle 0xa)",
            "[pid 88 sh] close(handle 0x3 /tmp/work.sh)",
            "[pid 88 sh] pipe(read handle 0x3 pipe#1:read, write handle 0x4 pipe#1:write)",
            "[pid 88 sh] close(handle 0x4 pipe#1:write)",
            "[pid 96 sh] close(handle 0x3 pipe#1:read)",
            "[pid 96 sh] dup(handle 0x4 pipe#1:write, new handle 0x1, replaces ?)",
            "[pid 96 sh] close(handle 0x4 pipe#1:write)",
            "[pid 96 sh] write(handle 0x1 pipe#1:write, buffer 0x46a0c00, length 0x5) = 0x5",
            "[pid 88 sh] pipe(read handle 0x4 pipe#2:read, write handle 0x5 pipe#2:write)",
            "[pid 88 tr] close(handle 0x4 ?) = EBADF",
        ])
        #expect(FileOperationLog.operations(s.calls)[3].inferred == true)
    }

    /// Trace values are untrusted: every call of both ABIs with all-ones arguments, odd
    /// results and short captures goes through the log without trapping.
    @Test func anyCallWithAnyArgumentsIsLoggedWithoutTrapping() {
        for (abi, table) in [("x86_64", LinuxSyscallSignatures.x86_64), ("aarch64", LinuxSyscallSignatures.aarch64)] {
            var s = Script(abi: abi)
            for name in table.keys.sorted() {
                for result: Int64? in [nil, -1, 0, Int64.max, Int64.min] {
                    var call = s.add(name, Array(repeating: .max, count: 6), result, strings: [0: "../a", 1: "b"])
                    s.calls.removeLast()
                    call.decoded = TraceDecoded(exit: [0: .bytes([0xff]), 3: .bytes([])])
                    s.calls.append(call)
                }
            }
            _ = FileOperationLog.operations(s.calls).map(\.line)
            _ = FileOperationLog.openedFiles(FileOperationLog.operations(s.calls)).map(\.line)
        }
    }

    @Test func pipeEndsComeFromTheDecodedFieldWhenTheTraceHasIt() {
        var s = Script()
        var pipe = s.add("pipe2", [0x7fff7c3db300, 0], 0, pid: 88, comm: "sh")
        s.calls.removeLast()
        pipe.decoded = TraceDecoded(exit: [0: .bytes([7, 0, 0, 0, 9, 0, 0, 0])])
        s.calls.append(pipe)
        s.add("close", [9], 0, pid: 88, comm: "sh")
        #expect(s.lines == [
            "[pid 88 sh] pipe(read handle 0x7 pipe#1:read, write handle 0x9 pipe#1:write)",
            "[pid 88 sh] close(handle 0x9 pipe#1:write)",
        ])
        #expect(FileOperationLog.operations(s.calls).first?.inferred == nil)
    }

    @Test func relativePathsResolveAgainstTheWorkingDirectoryAndDirectoryHandles() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0], 3, strings: [1: "g"])  // working directory unknown: as given
        s.add("chdir", [0x5000], 0, strings: [0: "/tmp/sc"])
        s.add("openat", [atFDCWD, 0x5000, 0], 4, strings: [1: "g"])
        s.add("chdir", [0x5000], 0, strings: [0: "../x/./y/"])
        s.add("openat", [atFDCWD, 0x5000, 0], 5, strings: [1: "h"])
        s.add("openat", [atFDCWD, 0x5000, 0o200000], 6, strings: [1: "/etc"])  // O_DIRECTORY
        s.add("openat", [6, 0x5000, 0], 7, strings: [1: "passwd"])
        s.add("openat", [0, 0x5000, 0], 8, strings: [1: "z"])  // a directory handle the trace never named
        s.add("fchdir", [6], 0)
        s.add("open", [0x5000, 0], 9, strings: [0: "hosts"])
        s.add("openat", [atFDCWD, 0x5000, 0], -14)  // path unreadable
        #expect(FileOperationLog.operations(s.calls).map { $0.name ?? "" } == [
            "g", "/tmp/sc/g", "/tmp/x/y/h", "/etc", "/etc/passwd", "?/z", "/etc/hosts", "?",
        ])
    }

    @Test func sendfileReadsOneHandleAndWritesTheOther() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0], 3, strings: [1: "/tmp/sc/recv"])
        s.add("sendfile", [1, 3, 0, 0x1000000], 15)
        #expect(s.lines.suffix(2) == [
            "[pid 95 cat] read(handle 0x3 /tmp/sc/recv, length 0x1000000) = 0xf",
            "[pid 95 cat] write(handle 0x1 ?, length 0x1000000) = 0xf",
        ])
        #expect(FileOperationLog.operations(s.calls).suffix(2).map(\.call) == ["sendfile", "sendfile"])
    }

    @Test func socketsAcceptVectorsSeeksAndUnfinishedCalls() {
        var s = Script()
        s.add("socket", [10, 0o2000001, 0], 3, comm: "nc")  // AF_INET6, SOCK_STREAM|SOCK_CLOEXEC
        s.add("accept", [3, 0, 0], 4, comm: "nc")
        s.add("readv", [4, 0x7ff0, 2], 15, comm: "nc")
        s.add("pwritev2", [4, 0x7ff0, 1, UInt64.max, 0, 0], 3, comm: "nc")
        s.add("lseek", [4, UInt64(bitPattern: -16), 2], -29, comm: "nc")
        s.add("read", [4, 0x5f59e0, 0x400], nil, comm: "nc", end: "unfinished")
        s.add("read", [4, 0x5f59e0, 0x400], nil, comm: "nc", end: "restarted")
        #expect(s.lines == [
            "[pid 95 nc] socket(family INET6, type STREAM, handle 0x3 socket#1)",
            "[pid 95 nc] accept(handle 0x3 socket#1, new handle 0x4 socket#2)",
            "[pid 95 nc] read(handle 0x4 socket#2, vector 0x7ff0, count 0x2) = 0xf",
            "[pid 95 nc] write(handle 0x4 socket#2, vector 0x7ff0, count 0x1) = 0x3",
            "[pid 95 nc] seek(handle 0x4 socket#2, offset -0x10, whence END) = ESPIPE",
            "[pid 95 nc] read(handle 0x4 socket#2, buffer 0x5f59e0, length 0x400) = ?",
        ])
    }

    @Test func socketpairAnonymousHandlesAndCloseRange() {
        var s = Script(abi: "aarch64")
        s.add("pipe2", [0x7ff0, 0], -24)  // EMFILE: no handles, no number used
        s.add("socketpair", [1, 0o2000001, 0, 0x7ff0], 0)  // AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC
        s.add("eventfd2", [0, 0o2000000], 2)
        s.add("memfd_create", [0x5000, 1], 5, strings: [0: "jit"])
        s.add("ioctl", [5, 0x5450], 0)  // FIONCLEX: 5 survives execve
        s.add("close_range", [1, 4, 0], 0)
        s.add("execve", [0x5000], 0, end: "exec")
        s.add("write", [5, 0x10, 1], 1)
        #expect(s.lines == [
            "[pid 95 cat] pipe() = EMFILE",
            "[pid 95 cat] socket(family UNIX, type STREAM, handle 0x0 socket#1, handle 0x1 socket#2)",
            "[pid 95 cat] open(name anon_inode:[eventfd], handle 0x2)",
            "[pid 95 cat] open(name memfd:jit, handle 0x5)",
            "[pid 95 cat] close(handle 0x1 socket#2)",
            "[pid 95 cat] close(handle 0x2 anon_inode:[eventfd])",
            "[pid 95 cat] close(handle 0x3 ?)",
            "[pid 95 cat] close(handle 0x4 ?)",
            "[pid 95 cat] write(handle 0x5 memfd:jit, buffer 0x10, length 0x1) = 0x1",
        ])
    }

    @Test func openedSummaryListsEachFileOncePerProcess() {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0], 3, strings: [1: "/tmp/sc/list"])
        s.add("close", [3], 0)
        s.add("openat", [atFDCWD, 0x5000, 0], 3, strings: [1: "/tmp/sc/list"])
        s.add("openat", [atFDCWD, 0x5000, 0o1101], 4, strings: [1: "/tmp/sc/list"])
        s.add("pipe2", [0x7ff0, 0], 0)
        s.add("openat", [atFDCWD, 0x5000, 0], -2, pid: 98, strings: [1: "/nonexistent/file"])
        let opened = FileOperationLog.openedFiles(FileOperationLog.operations(s.calls))
        #expect(opened.map(\.line) == [
            "[pid 95 cat] /tmp/sc/list: mode READ, handle 0x3 (2 times); mode WRITE|CREATE|TRUNCATE, handle 0x4",
            "[pid 98 cat] /nonexistent/file: mode READ, error ENOENT",
        ])
    }

    @Test func jsonCarriesEveryFieldAndReadsBack() throws {
        var s = Script()
        s.add("openat", [atFDCWD, 0x5000, 0], 3, strings: [1: "/tmp/sc/list"])
        s.add("read", [3, 0x7ffd12345678, 0x1000], 9)
        let ops = FileOperationLog.operations(s.calls)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(ops[1]), as: UTF8.self)
        #expect(text == #"{"as":"0x1000","buffer":"0x7ffd12345678","call":"read","comm":"cat","entry":2,"handle":3,"length":4096,"name":"/tmp/sc/list","op":"read","pid":95,"result":9,"seq":2,"tid":95}"#)
        #expect(try JSONDecoder().decode(FileOperation.self, from: Data(text.utf8)) == ops[1])
        let opened = FileOperationLog.openedFiles(ops)
        let back = try JSONDecoder().decode(OpenedFile.self, from: encoder.encode(opened[0]))
        #expect(back == opened[0])
    }

    @Test func handleTableLearnsFromTheLowestFreeRule() {
        var t = HandleTable()
        t.allocated(3, name: "/a", closeOnExec: false)
        #expect(t.name(of: 0) == "?" && t[0] != nil && t[2] != nil && t.name(of: 3) == "/a")
        #expect(t.lowestFree(2) == [4, 5])
        t.close(1)
        #expect(t.lowestFree(2) == [1, 4])
        t.allocated(20, name: "/b", closeOnExec: true, minimum: 10)
        #expect(t[9] == nil && t[10] != nil && t.lowestFree(3, minimum: 5) == [5, 6, 7])
        t.exec()
        #expect(t[20] == nil && t[3]?.name == "/a")
    }
}
