import OspreyCore

/// The abstract log of the 2015 paper: a trace's file operations, platform-independent, one
/// per call in the order calls were made (by `entry`), each handle shown with the name it was
/// opened with.
///
/// Handle tables are kept per process (by pid; by address space when the pid is not known).
/// A fork child starts with a copy of its parent's table at the fork (`clone` with
/// `CLONE_FILES` shares it; threads share their process's); `execve` closes the close-on-exec
/// handles (`O_CLOEXEC`, `pipe2`/`dup3`/`socket`/`accept4` flags, `F_DUPFD_CLOEXEC`,
/// `F_SETFD`, `FIOCLEX`); `dup2`/`dup3` close their target first. Relative paths are resolved
/// against the directory handle or the working directory (`chdir`, `fchdir`) when the trace
/// showed it, and are shown as given otherwise. Handles never seen opened are named `?`.
///
/// `pipe`, `pipe2` and `socketpair` write their two handles to guest memory: the trace's
/// `decoded` field holds them (for pipes); otherwise their numbers are the two lowest the
/// table holds no entry for, the kernel's rule (marked `inferred`).
public enum FileOperationLog {
    public static func operations(in trace: TraceFile) -> [FileOperation] {
        operations(trace.syscalls)
    }

    /// The operations of `syscalls` (any order: they are sorted by `entry`).
    public static func operations(_ syscalls: [TraceSyscall]) -> [FileOperation] {
        let ordered = syscalls.sorted { ($0.entry, $0.seq) < ($1.entry, $1.seq) }
        var tracker = FileOperationTracker(ordered)
        var result: [FileOperation] = []
        for s in ordered { result += tracker.process(s) }
        return result
    }

    /// Calls that open a file by path (the `--opened` summary lists these).
    public static let pathOpenCalls: Set<String> = ["open", "openat", "openat2", "creat"]

    /// Every distinct file each process opened by path, with the modes and handles (or errors)
    /// it got: processes in the order of their first open, files in the order first opened.
    /// A process is a pid with the name it had (`sh` and, after `execve`, `cat` are two).
    public static func openedFiles(_ operations: [FileOperation]) -> [OpenedFile] {
        var processes: [String] = []
        var filesOf: [String: [OpenedFile]] = [:]
        for o in operations where o.op == "open" && pathOpenCalls.contains(o.call) {
            let process = (o.pid.map { "pid \($0)" } ?? "as \(o.addressSpace)") + "\u{0}" + (o.comm?.quoted ?? "")
            if filesOf[process] == nil {
                processes.append(process)
                filesOf[process] = []
            }
            let name = o.name ?? HandleTable.unknownName
            var index = filesOf[process]!.firstIndex { $0.name == name }
            if index == nil {
                filesOf[process]!.append(OpenedFile(pid: o.pid, comm: o.comm, addressSpace: o.addressSpace, name: name, openings: []))
                index = filesOf[process]!.count - 1
            }
            let handle = o.failed ? nil : o.handle
            if let k = filesOf[process]![index!].openings.firstIndex(where: { $0.mode == o.mode && $0.handle == handle && $0.error == o.error }) {
                filesOf[process]![index!].openings[k].times += 1
            } else {
                filesOf[process]![index!].openings.append(OpenedFile.Opening(mode: o.mode, handle: handle, error: o.error, times: 1))
            }
        }
        return processes.flatMap { filesOf[$0]! }
    }

    public static func openedFiles(in trace: TraceFile) -> [OpenedFile] { openedFiles(operations(in: trace)) }

    // MARK: constants (the kernel's UAPI values; only O_DIRECTORY differs between the ABIs here)

    static let oCreat: UInt64 = 0o100, oExcl: UInt64 = 0o200, oTrunc: UInt64 = 0o1000, oAppend: UInt64 = 0o2000
    static let oCloexec: UInt64 = 0o2000000, oPath: UInt64 = 0o10000000, oTmpfileBit: UInt64 = 0o20000000

    /// `O_DIRECTORY`: 0o200000 on x86 (both ABIs), 0o40000 on AArch64.
    static func oDirectory(abi: String) -> UInt64 { abi == "aarch64" ? 0o40000 : 0o200000 }

    /// The abstract mode of open flags: `READ`, `WRITE`, `READ|WRITE` (`PATH` for O_PATH, `NONE`
    /// for access mode 3), then `CREATE`, `EXCL`, `TRUNCATE`, `APPEND`, `DIRECTORY`, `TMPFILE`.
    public static func openMode(_ flags: UInt64, abi: String) -> String {
        var parts: [String]
        if flags & oPath != 0 {
            parts = ["PATH"]
        } else {
            parts = [["READ"], ["WRITE"], ["READ", "WRITE"], ["NONE"]][Int(flags & 3)]
            if flags & oCreat != 0 { parts.append("CREATE") }
            if flags & oExcl != 0 { parts.append("EXCL") }
            if flags & oTrunc != 0 { parts.append("TRUNCATE") }
            if flags & oAppend != 0 { parts.append("APPEND") }
        }
        if flags & oTmpfileBit != 0 {
            parts.append("TMPFILE")  // O_TMPFILE includes O_DIRECTORY's bit
        } else if flags & oDirectory(abi: abi) != 0 {
            parts.append("DIRECTORY")
        }
        return parts.joined(separator: "|")
    }

    /// `READ|EXEC`; `NONE` for PROT_NONE.
    static func protection(_ prot: UInt64) -> String {
        var parts: [String] = []
        if prot & 1 != 0 { parts.append("READ") }
        if prot & 2 != 0 { parts.append("WRITE") }
        if prot & 4 != 0 { parts.append("EXEC") }
        let rest = prot & ~7
        if rest != 0 { parts.append("0x" + String(rest, radix: 16)) }
        return parts.isEmpty ? "NONE" : parts.joined(separator: "|")
    }

    static let families: [UInt64: String] = [0: "UNSPEC", 1: "UNIX", 2: "INET", 10: "INET6", 16: "NETLINK", 17: "PACKET"]
    static let socketTypes: [UInt64: String] = [1: "STREAM", 2: "DGRAM", 3: "RAW", 4: "RDM", 5: "SEQPACKET", 10: "PACKET"]
    static let sockCloexec: UInt64 = 0o2000000

    static func errorName(_ result: Int64?) -> String? {
        guard let r = result, r < 0, r >= -4095 else { return nil }
        return LinuxConstants.errno(Int(-r))?.name ?? "E\(-r)"
    }
}

/// Replays a trace's calls in entry order over per-process handle tables.
struct FileOperationTracker {
    enum ProcessKey: Hashable {
        case pid(Int)
        case space(UInt64)
    }

    /// A table that several processes can share (`CLONE_FILES`).
    final class SharedTable {
        var table: HandleTable
        init(_ table: HandleTable) { self.table = table }
    }

    var tables: [ProcessKey: SharedTable] = [:]
    var workingDirectories: [ProcessKey: GuestText] = [:]
    /// The process that made each fork-family call, by entry: the child's side of the call
    /// carries the same entry.
    var forkers: [UInt64: ProcessKey] = [:]
    var pipes = 0
    var sockets = 0

    static let forkCalls: Set<String> = ["clone", "clone3", "fork", "vfork"]
    static let cloneFiles: UInt64 = 0x400, cloneThread: UInt64 = 0x10000
    static let atFDCWD = -100

    init(_ syscalls: [TraceSyscall]) {
        for s in syscalls where s.end != "child" && Self.forkCalls.contains(s.name ?? "") {
            forkers[s.entry] = Self.key(s)
        }
    }

    static func key(_ s: TraceSyscall) -> ProcessKey { s.pid.map { .pid($0) } ?? .space(s.addressSpace) }

    mutating func shared(_ key: ProcessKey) -> SharedTable {
        if let t = tables[key] { return t }
        let t = SharedTable(HandleTable())
        tables[key] = t
        return t
    }

    /// `child` starts with `parent`'s table: the same one with CLONE_FILES, a copy otherwise.
    mutating func inherit(_ child: ProcessKey, from parent: ProcessKey, sharing: Bool) {
        guard child != parent else { return }
        let p = shared(parent)
        tables[child] = sharing ? p : SharedTable(p.table)
        workingDirectories[child] = workingDirectories[parent]
    }

    /// `path` made absolute against `directory` (`.`, empty components and `..` resolved by
    /// name).
    static func join(_ directory: GuestText, _ path: GuestText) -> GuestText {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var components = directory.bytes.split(separator: slash)
        for c in path.bytes.split(separator: slash, omittingEmptySubsequences: true) {
            if c.elementsEqual([dot]) { continue }
            if c.elementsEqual([dot, dot]) {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(c)
        }
        var bytes: [UInt8] = []
        for c in components { bytes.append(slash); bytes += c }
        return GuestText(bytes: bytes.isEmpty ? [slash] : bytes)
    }

    mutating func process(_ s: TraceSyscall) -> [FileOperation] {
        // A restarted call is issued again: its next line is the one that counts.
        if s.end == "restarted" { return [] }
        let call = s.name ?? ""
        let key = Self.key(s)
        let is32 = s.abi == "i386"
        func arg(_ i: Int) -> UInt64 {
            let v = i < s.args.count ? s.args[i] : 0
            return is32 ? v & 0xFFFF_FFFF : v
        }
        func fd(_ i: Int) -> Int { Int(Int32(truncatingIfNeeded: arg(i))) }
        let error = FileOperationLog.errorName(s.result)
        let succeeded = s.result != nil && error == nil
        let resultHandle = succeeded ? s.result.map { Int(truncatingIfNeeded: $0) } : nil

        // Process life: fork children, exec, exit.
        if Self.forkCalls.contains(call) {
            let sharing = call == "clone" && arg(0) & Self.cloneFiles != 0
            if s.end == "child" {
                if let parent = forkers[s.entry] ?? s.ppid.map({ .pid($0) }) {
                    inherit(key, from: parent, sharing: sharing)
                }
            } else if let child = resultHandle, child > 0, !(call == "clone" && arg(0) & Self.cloneThread != 0) {
                // The parent's side names the child: its table is set up even when the child's own
                // side is missing from the trace (both sides carry the same entry: same moment).
                inherit(.pid(child), from: key, sharing: sharing)
            }
            return []
        }
        if s.end == "exec" {
            var table = tables[key]?.table ?? HandleTable()
            table.exec()
            tables[key] = SharedTable(table)  // execve also unshares a CLONE_FILES table
            return []
        }
        if s.end == "child" { return [] }
        if call == "exit_group" {
            tables[key] = nil
            workingDirectories[key] = nil
            return []
        }

        let t = shared(key)
        func make(_ op: String, handle: Int? = nil) -> FileOperation {
            FileOperation(seq: s.seq, entry: s.entry, pid: s.pid, tid: s.tid, comm: s.comm, addressSpace: s.addressSpace,
                          op: op, call: call, handle: handle, name: handle.map { t.table.name(of: $0) }, result: s.result,
                          error: error)
        }
        func resolve(_ path: GuestText?, directory: Int) -> GuestText {
            guard let path else { return HandleTable.unknownName }
            if path.hasPrefix("/") { return path }
            if directory == Self.atFDCWD {
                return workingDirectories[key].map { Self.join($0, path) } ?? path
            }
            let base = t.table.name(of: directory)
            return base.hasPrefix("/") ? Self.join(base, path) : base + "/" + path
        }
        func transfer(from input: Int, to output: Int, length: UInt64) -> [FileOperation] {
            var r = make("read", handle: input)
            r.length = length
            var w = make("write", handle: output)
            w.length = length
            if succeeded {
                t.table.noteInUse(input)
                t.table.noteInUse(output)
            }
            return [r, w]
        }
        func created(_ name: GuestText, closeOnExec: Bool) -> [FileOperation] {
            var o = make("open")
            o.name = name
            if let h = resultHandle {
                t.table.allocated(h, name: name, closeOnExec: closeOnExec)
                o.handle = h
            }
            return [o]
        }
        /// Two handles the kernel wrote to `int[2]` at argument `slot`: read from the trace's
        /// `decoded` field, else worked out by the lowest-free rule (`inferred`).
        func pair(_ op: String, slot: Int, _ makeNames: () -> (GuestText, GuestText), closeOnExec: Bool) -> FileOperation {
            var o = make(op)
            if succeeded {
                let names = makeNames()
                var handles = t.table.lowestFree(2)
                if let b = s.decoded.bytes(slot, at: .exit).map(StraceBytes.init), let first = b.i32(0), let second = b.i32(4) {
                    handles = [Int(first), Int(second)]
                } else {
                    o.inferred = true
                }
                t.table.open(handles[0], name: names.0, closeOnExec: closeOnExec)
                t.table.open(handles[1], name: names.1, closeOnExec: closeOnExec)
                o.handle = handles[0]
                o.name = names.0
                o.target = handles[1]
                o.targetName = names.1
            }
            return o
        }
        let cloexec = FileOperationLog.oCloexec

        switch call {
        // MARK: open
        case "open", "creat", "openat", "openat2":
            let at = call.hasPrefix("openat")
            let flags: UInt64? = call == "creat" ? 0o1101 : call == "openat2" ? nil : arg(at ? 2 : 1)
            var o = make("open")
            o.name = resolve(s.strings[at ? 1 : 0], directory: at ? fd(0) : Self.atFDCWD)
            o.mode = flags.map { FileOperationLog.openMode($0, abi: s.abi) } ?? "?"
            if let h = resultHandle {
                t.table.allocated(h, name: o.name!, closeOnExec: (flags ?? 0) & cloexec != 0)
                o.handle = h
            }
            return [o]

        // MARK: read and write
        case "read", "write", "recvfrom", "sendto", "pread64", "pwrite64":
            var o = make(["read", "recvfrom", "pread64"].contains(call) ? "read" : "write", handle: fd(0))
            o.buffer = arg(1)
            o.length = arg(2)
            if call.hasPrefix("p") { o.offset = Int64(bitPattern: is32 ? arg(3) | arg(4) << 32 : arg(3)) }
            if succeeded { t.table.noteInUse(fd(0)) }
            return [o]
        case "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2":
            var o = make(call.contains("read") ? "read" : "write", handle: fd(0))
            o.buffer = arg(1)
            o.count = arg(2)
            if call.hasPrefix("p") {
                let offset = Int64(bitPattern: is32 ? arg(3) | arg(4) << 32 : arg(3))
                if offset != -1 { o.offset = offset }  // -1: preadv2's "current position"
            }
            if succeeded { t.table.noteInUse(fd(0)) }
            return [o]
        case "recvmsg", "sendmsg":
            if succeeded { t.table.noteInUse(fd(0)) }
            return [make(call == "recvmsg" ? "read" : "write", handle: fd(0))]
        case "sendfile", "sendfile64":
            return transfer(from: fd(1), to: fd(0), length: arg(3))
        case "splice", "copy_file_range":
            return transfer(from: fd(0), to: fd(2), length: arg(4))
        case "tee":
            return transfer(from: fd(0), to: fd(1), length: arg(2))
        case "lseek", "_llseek":
            var o = make("seek", handle: fd(0))
            let whence = call == "lseek" ? arg(2) : arg(4)
            o.offset = call == "lseek" ? Int64(bitPattern: arg(1)) : Int64(bitPattern: arg(1) << 32 | arg(2))
            if is32 && call == "lseek" { o.offset = Int64(Int32(truncatingIfNeeded: arg(1))) }
            o.whence = ["SET", "CUR", "END", "DATA", "HOLE"][safe: Int(min(whence, 5))] ?? String(whence)
            if succeeded { t.table.noteInUse(fd(0)) }
            return [o]

        // MARK: close and dup
        case "close":
            let o = make("close", handle: fd(0))
            // Linux frees the number even when close reports an error (EINTR, EIO).
            t.table.close(fd(0))
            return [o]
        case "close_range":
            let first = Int(UInt32(truncatingIfNeeded: arg(0))), last = Int(UInt32(truncatingIfNeeded: arg(1)))
            let flags = arg(2)
            guard succeeded, first <= last else { return [make("close", handle: first)] }
            let known = t.table.handles.keys.filter { $0 >= first && $0 <= last }.sorted()
            if flags & 4 != 0 {  // CLOSE_RANGE_CLOEXEC
                for h in known { t.table.setCloseOnExec(h, true) }
                return []
            }
            if flags & 2 != 0 { tables[key] = SharedTable(t.table) }  // CLOSE_RANGE_UNSHARE
            let table = shared(key)
            return known.map { h in
                let o = make("close", handle: h)
                table.table.close(h)
                return o
            }
        case "dup", "dup2", "dup3":
            var o = make("dup", handle: fd(0))
            if call != "dup" { o.target = fd(1) }
            if let new = resultHandle {
                o.target = new
                if call == "dup" {
                    t.table.noteInUse(fd(0))
                    t.table.allocated(new, name: t.table.name(of: fd(0)), closeOnExec: false)
                } else {
                    let replaced = t.table.duplicate(fd(0), to: new, closeOnExec: call == "dup3" && arg(2) & cloexec != 0)
                    o.replaces = replaced?.name
                }
            }
            return [o]
        case "fcntl", "fcntl64":
            switch arg(1) & 0xFFFF_FFFF {
            case 0, 1030:  // F_DUPFD, F_DUPFD_CLOEXEC
                var o = make("dup", handle: fd(0))
                if let new = resultHandle {
                    o.target = new
                    t.table.noteInUse(fd(0))
                    t.table.allocated(new, name: t.table.name(of: fd(0)), closeOnExec: arg(1) & 0xFFFF_FFFF == 1030,
                                      minimum: fd(2))
                }
                return [o]
            case 2:  // F_SETFD
                if succeeded { t.table.setCloseOnExec(fd(0), arg(2) & 1 != 0) }
                return []
            default:
                if succeeded { t.table.noteInUse(fd(0)) }
                return []
            }
        case "ioctl":
            let request = arg(1) & 0xFFFF_FFFF
            if succeeded && (request == 0x5451 || request == 0x5450) {  // FIOCLEX, FIONCLEX
                t.table.setCloseOnExec(fd(0), request == 0x5451)
            }
            return []

        // MARK: memory maps
        case "mmap", "mmap2":
            // i386's old `mmap` takes its arguments in a struct in memory.
            guard !(call == "mmap" && is32), fd(4) >= 0, arg(3) & 0x20 == 0 else { return [] }  // MAP_ANONYMOUS
            var o = make("map", handle: fd(4))
            if succeeded, let r = s.result {
                o.address = is32 ? UInt64(bitPattern: r) & 0xFFFF_FFFF : UInt64(bitPattern: r)
                t.table.noteInUse(fd(4))
            } else if arg(0) != 0 {
                o.address = arg(0)
            }
            o.length = arg(1)
            o.offset = Int64(bitPattern: call == "mmap2" ? arg(5) &* 4096 : arg(5))
            o.protection = FileOperationLog.protection(arg(2))
            return [o]

        // MARK: pipes and sockets
        case "pipe", "pipe2":
            return [pair("pipe", slot: 0, {
                pipes += 1
                return (GuestText("pipe#\(pipes):read"), GuestText("pipe#\(pipes):write"))
            }, closeOnExec: call == "pipe2" && arg(1) & cloexec != 0)]
        case "socket", "socketpair":
            var o: FileOperation
            if call == "socket" {
                o = make("socket")
                if let h = resultHandle {
                    sockets += 1
                    t.table.allocated(h, name: GuestText("socket#\(sockets)"), closeOnExec: arg(1) & FileOperationLog.sockCloexec != 0)
                    o.handle = h
                    o.name = GuestText("socket#\(sockets)")
                }
            } else {
                o = pair("socket", slot: 3, {
                    sockets += 2
                    return (GuestText("socket#\(sockets - 1)"), GuestText("socket#\(sockets)"))
                }, closeOnExec: arg(1) & FileOperationLog.sockCloexec != 0)
            }
            o.family = FileOperationLog.families[arg(0)] ?? String(arg(0))
            o.type = FileOperationLog.socketTypes[arg(1) & 0xF] ?? String(arg(1) & 0xF)
            return [o]
        case "accept", "accept4":
            var o = make("accept", handle: fd(0))
            if let h = resultHandle {
                t.table.noteInUse(fd(0))
                sockets += 1
                t.table.allocated(h, name: GuestText("socket#\(sockets)"),
                                  closeOnExec: call == "accept4" && arg(3) & FileOperationLog.sockCloexec != 0)
                o.target = h
                o.targetName = GuestText("socket#\(sockets)")
            }
            return [o]

        // MARK: other objects with handles
        case "eventfd": return created("anon_inode:[eventfd]", closeOnExec: false)
        case "eventfd2": return created("anon_inode:[eventfd]", closeOnExec: arg(1) & cloexec != 0)
        case "epoll_create": return created("anon_inode:[eventpoll]", closeOnExec: false)
        case "epoll_create1": return created("anon_inode:[eventpoll]", closeOnExec: arg(0) & cloexec != 0)
        case "signalfd", "signalfd4":
            guard fd(0) == -1 else { return [] }  // otherwise it changes an existing one
            return created("anon_inode:[signalfd]", closeOnExec: call == "signalfd4" && arg(3) & cloexec != 0)
        case "timerfd_create": return created("anon_inode:[timerfd]", closeOnExec: arg(1) & cloexec != 0)
        case "inotify_init": return created("anon_inode:inotify", closeOnExec: false)
        case "inotify_init1": return created("anon_inode:inotify", closeOnExec: arg(0) & cloexec != 0)
        case "fanotify_init": return created("anon_inode:[fanotify]", closeOnExec: arg(0) & 1 != 0)
        case "userfaultfd": return created("anon_inode:[userfaultfd]", closeOnExec: arg(0) & cloexec != 0)
        case "memfd_create": return created("memfd:" + (s.strings[0] ?? HandleTable.unknownName), closeOnExec: arg(1) & 1 != 0)
        case "pidfd_open": return created("anon_inode:[pidfd]", closeOnExec: true)
        case "perf_event_open": return created("anon_inode:[perf_event]", closeOnExec: arg(4) & 8 != 0)
        case "io_uring_setup": return created("anon_inode:[io_uring]", closeOnExec: true)

        // MARK: working directory (no operation of its own)
        case "chdir":
            if succeeded, let path = s.strings[0] {
                let resolved = resolve(path, directory: Self.atFDCWD)
                workingDirectories[key] = resolved.hasPrefix("/") ? resolved : nil
            }
            return []
        case "fchdir":
            if succeeded {
                let name = t.table.name(of: fd(0))
                workingDirectories[key] = name.hasPrefix("/") ? name : nil
            }
            return []
        default:
            return []
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
