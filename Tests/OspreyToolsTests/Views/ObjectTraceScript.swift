import OspreyCore
@testable import OspreyTools

/// Builds the object monitors' events and system calls of a trace by hand, numbered in the
/// order they are added (one sequence for both, as in a real trace).
struct ObjectTraceScript {
    var events: [TraceObjectEvent] = []
    var calls: [TraceSyscall] = []
    private(set) var seq: UInt64 = 0

    private mutating func nextSeq() -> UInt64 {
        seq += 1
        return seq
    }

    /// Any event; returns its seq.
    @discardableResult
    mutating func event(_ type: String, _ event: String, pid: Int, tid: Int? = nil, comm: String = "sh",
                        strings: [String: String] = [:], integers: [String: Int64] = [:],
                        lists: [String: [String]] = [:], flags: [String: Bool] = [:]) -> UInt64 {
        var e = TraceObjectEvent(type: type, event: event, seq: nextSeq(), pid: pid, tid: tid, comm: GuestText(comm))
        e.strings = strings.mapValues { GuestText($0) }
        e.integers = integers
        e.lists = lists.mapValues { $0.map { GuestText($0) } }
        e.flags = flags
        events.append(e)
        return e.seq
    }

    @discardableResult
    mutating func start(_ pid: Int, ppid: Int, comm: String = "sh", argv: [String]? = nil, state: String = "S",
                        kernelThread: Bool = false, exe: String? = "/bin/busybox") -> UInt64 {
        var strings = ["state": state]
        if let exe { strings["exe"] = exe }
        return event("process", "start", pid: pid, comm: comm, strings: strings, integers: ["ppid": Int64(ppid), "uid": 0],
                     lists: argv.map { ["argv": $0] } ?? [:], flags: kernelThread ? ["kernel_thread": true] : [:])
    }

    @discardableResult
    mutating func exec(_ pid: Int, comm: String, argv: [String]) -> UInt64 {
        event("process", "exec", pid: pid, comm: comm, strings: ["exe": "/bin/busybox"], lists: ["argv": argv])
    }

    @discardableResult
    mutating func exit(_ pid: Int, code: Int? = nil, signal: Int? = nil, how: String = "exit_group") -> UInt64 {
        var integers: [String: Int64] = [:]
        if let code { integers["code"] = Int64(code) }
        if let signal { integers["signal"] = Int64(signal) }
        return event("process", "exit", pid: pid, strings: ["how": how], integers: integers)
    }

    /// A `file open`; pipes and sockets get their `pipe:[N]`/`socket:[N]` path and inode.
    @discardableResult
    mutating func open(_ pid: Int, fd: Int, path: String, kind: String = "file", inode: Int64? = nil, flags: Int64 = 0,
                       comm: String = "sh", local: String? = nil, remote: String? = nil) -> UInt64 {
        var strings = ["path": path, "kind": kind]
        if let local { strings["local"] = local }
        if let remote { strings["remote"] = remote }
        var integers: [String: Int64] = ["fd": Int64(fd), "flags": flags, "pos": 0]
        if let inode { integers["inode"] = inode }
        if kind == "socket" { integers["family"] = 2 }
        return event("file", "open", pid: pid, comm: comm, strings: strings, integers: integers)
    }

    @discardableResult
    mutating func close(_ pid: Int, fd: Int, path: String = "?", comm: String = "sh") -> UInt64 {
        event("file", "close", pid: pid, comm: comm, strings: ["path": path], integers: ["fd": Int64(fd)])
    }

    @discardableResult
    mutating func pipe(_ pid: Int, inode: Int64, read: Int, write: Int) -> UInt64 {
        open(pid, fd: read, path: "pipe:[\(inode)]", kind: "pipe", inode: inode, flags: 0)
        open(pid, fd: write, path: "pipe:[\(inode)]", kind: "pipe", inode: inode, flags: 1)
        return event("pipe", "create", pid: pid, integers: ["inode": inode, "read_fd": Int64(read), "write_fd": Int64(write)])
    }

    @discardableResult
    mutating func socket(_ event: String, _ pid: Int, fd: Int, inode: Int64, local: String? = nil, remote: String? = nil,
                         type: Int64? = nil, comm: String = "nc") -> UInt64 {
        var strings: [String: String] = [:]
        if let local { strings["local"] = local }
        if let remote { strings["remote"] = remote }
        var integers: [String: Int64] = ["fd": Int64(fd), "inode": inode, "family": 2]
        if let type { integers["socket_type"] = type }
        return self.event("socket", event, pid: pid, comm: comm, strings: strings, integers: integers)
    }

    /// A system call that returned `result`.
    @discardableResult
    mutating func call(_ name: String, _ args: [UInt64], _ result: Int64?, pid: Int?, comm: String? = "sh",
                       strings: [Int: String] = [:], end: String = "returned") -> UInt64 {
        let s = nextSeq()
        calls.append(TraceSyscall(
            seq: s, entry: s, vcpu: 0, abi: "x86_64", addressSpace: 0x1000, stackPointer: 0x7ff0, pc: 0x401000,
            pid: pid, tid: pid, comm: comm.map { GuestText($0) }, number: 0, name: name, args: args, strings: strings.mapValues { GuestText($0) }, result: result, end: end))
        return s
    }
}
