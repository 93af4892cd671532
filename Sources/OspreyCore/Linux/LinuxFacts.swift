/// What the profiler knows about the guest from system calls alone (results, arguments,
/// user memory), gathered stop by stop. Linux profile tests compare kernel memory with these.
public final class LinuxFacts {
    /// Facts about one user thread, from its own calls.
    public struct Thread: Sendable {
        public var tid: Int?
        public var pid: Int?
        public var ppid: Int?
        public var uid: Int?, gid: Int?, euid: Int?, egid: Int?
    }

    /// Facts about one process image (an address space between exec and exit).
    public struct Image: Sendable {
        /// `comm` as the kernel sets it at exec: the basename of the exec path, 15 bytes at most.
        public var comm: [UInt8]?
        public var execPath: [UInt8]?
        public var argv: [[UInt8]] = []
        public var firstBrk: UInt64?
        public var lastBrk: UInt64?
        /// File positions of descriptors this image opened, while every call on them was seen.
        public var positions: [Int: UInt64] = [:]
        /// Ports given to bind, per descriptor.
        public var boundPorts: [Int: UInt16] = [:]
        /// The last component of the working directory, once a chdir named it (`/` for the
        /// root); kept across exec.
        public var workingDirectoryName: [UInt8]?
        /// Whether a thread of this address space entered a clone with CLONE_THREAD (or a
        /// vfork child ran in it). Until then the space has one thread, its process's leader,
        /// whose tid is the pid: a new address space is a fork child or an exec'd image, and
        /// both start with their process's only thread.
        public var multiThreaded = false
    }

    public let architecture: Architecture
    public private(set) var threads: [UserContext: Thread] = [:]
    public private(set) var images: [UInt64: Image] = [:]
    /// Exit codes given to exit/exit_group, by pid (the pid read from the kernel).
    public var exited: [Int: Int] = [:]
    /// Recent AF_INET connects: (port, address as 4 raw bytes read little-endian).
    public private(set) var connects: [(port: UInt16, address: UInt32)] = []
    /// Set at the first stop of an image started by execve (nil otherwise): the exec path.
    public private(set) var freshExec: [UInt8]?
    /// Children made by fork/clone whose pid the parent's call returned, with the parent's
    /// pid: the child's ppid once the child's own calls name its tid. Entries go when the
    /// parent exits (its children are then reparented).
    private var parentOf: [Int: Int] = [:]
    /// The call each thread entered last (it is in it until its next stop), by tid.
    private var lastEntered: [Int: String] = [:]
    /// execve calls in flight, by the caller's pid (read from the kernel): a successful exec
    /// keeps the task, so the same pid's next call from a new address space is the new image.
    private var pendingExec: [Int: (addressSpace: UInt64, path: [UInt8], argv: [[UInt8]], stop: Int)] = [:]
    private var stopCount = 0
    private static let tableLimit = 4096

    public init(architecture: Architecture) { self.architecture = architecture }

    public func thread(_ stop: KernelStop) -> Thread { threads[stop.context] ?? Thread() }
    public func image(_ stop: KernelStop) -> Image { images[stop.context.addressSpace] ?? Image() }

    /// Takes in what the stop tells before tests run: the previous call's result, a new image.
    public func update(before stop: KernelStop, currentPID: Int?) {
        stopCount += 1
        freshExec = nil
        let context = stop.context
        let space = context.addressSpace
        if threads.count > Self.tableLimit { threads.removeAll() }
        if images.count > Self.tableLimit { images.removeAll() }

        if context.threadPointer == 0, let pid = currentPID, let pending = pendingExec[pid], pending.addressSpace != space,
           stopCount - pending.stop < 5000 {
            // First call of the new image of the task that entered execve.
            pendingExec[pid] = nil
            threads = threads.filter { $0.key.addressSpace != space }
            var image = Image()
            image.workingDirectoryName = images[pending.addressSpace]?.workingDirectoryName
            image.execPath = pending.path
            image.comm = Array(Self.basename(pending.path).prefix(15))
            image.argv = pending.argv
            images[space] = image
            freshExec = pending.path
        }
        guard let previous = stop.previous else {
            images[space]?.positions.removeAll()  // a call of this thread went unseen
            return
        }
        let result = previous.result ?? -1
        var thread = threads[context] ?? Thread()
        var image = images[space] ?? Image()
        switch previous.name {
        case "getpid": thread.pid = Int(result)
        case "gettid", "set_tid_address":
            thread.tid = Int(result)
            if result > 0, !image.multiThreaded {
                // The only thread of its address space leads its process (see Image).
                thread.pid = Int(result)
                if thread.ppid == nil, let parent = parentOf[Int(result)] { thread.ppid = parent }
            }
        case "getppid": thread.ppid = Int(result)
        case "getuid": thread.uid = Int(result)
        case "getgid": thread.gid = Int(result)
        case "geteuid": thread.euid = Int(result)
        case "getegid": thread.egid = Int(result)
        case "setresuid", "setresgid", "setreuid", "setregid", "setuid", "setgid":
            if result == 0 { Self.takeIdentity(previous, into: &thread) }
        case "brk" where result > 0:
            if image.firstBrk == nil { image.firstBrk = UInt64(result) }
            image.lastBrk = UInt64(result)
        case "execve", "execveat":
            if let pid = currentPID { pendingExec[pid] = nil }  // it failed: we are back in the caller
        case "clone", "clone3", "fork", "vfork":
            if result > 0, previous.cloneFlags & CloneFlags.thread != 0, previous.childThreadPointer != 0 {
                let child = UserContext(addressSpace: space, threadPointer: previous.childThreadPointer)
                threads[child] = Thread(tid: Int(result), pid: thread.pid)
            } else if result > 0, previous.cloneFlags & (CloneFlags.thread | CloneFlags.parent) == 0, let pid = thread.pid {
                if parentOf.count >= Self.tableLimit { parentOf.removeAll() }
                parentOf[Int(result)] = pid
            }
        case "open", "openat", "creat", "openat2":
            if result >= 0 {
                let flags = Self.openFlags(previous)
                image.positions[Int(result)] = flags & LinuxOpenFlags.append == 0 ? 0 : nil
            }
        case "read", "write":
            let fd = previous.int(0)
            if result > 0, let position = image.positions[fd] { image.positions[fd] = position &+ UInt64(result) }
        case "lseek":
            if result >= 0, image.positions[previous.int(0)] != nil { image.positions[previous.int(0)] = UInt64(result) }
        case "close", "dup2", "dup3":
            let fd = previous.int(previous.name == "close" ? 0 : 1)
            image.positions[fd] = nil
            image.boundPorts[fd] = nil
        case "chdir" where result == 0:
            image.workingDirectoryName = previous.path.flatMap(Self.directoryName)
        case "fchdir" where result == 0:
            image.workingDirectoryName = nil
        case "bind":
            if result == 0, let (port, _) = Self.inetAddress(previous.socketAddress) { image.boundPorts[previous.int(0)] = port }
        default: break
        }
        if Self.positionBlurringCalls.contains(previous.name) {
            image.positions.removeAll()
        }
        threads[context] = thread
        images[space] = image
    }

    /// Calls that move a descriptor's position by amounts the facts do not follow.
    static let positionBlurringCalls: Set<String> = ["readv", "writev", "sendfile", "splice", "copy_file_range", "sendfile64"]

    /// The name the kernel gives the directory a chdir path leads to (its last component, or
    /// `/`); nil when the path ends in `.` or `..`.
    public static func directoryName(_ path: [UInt8]) -> [UInt8]? {
        if !path.isEmpty, path.allSatisfy({ $0 == 0x2F }) { return [0x2F] }
        let name = basename(path)
        return name == [0x2E] || name == [0x2E, 0x2E] || name.isEmpty ? nil : name
    }

    /// Whether the thread `pid` (a process's main thread) is inside wait4/waitid now.
    public func isWaiting(pid: Int) -> Bool {
        ["wait4", "waitid", "waitpid"].contains(lastEntered[pid] ?? "")
    }

    /// Takes in the call being entered, after tests ran (its effects come later).
    public func update(after stop: KernelStop, currentPID: Int?) {
        if let tid = threads[stop.context]?.tid {
            lastEntered[tid] = stop.call.name
            if lastEntered.count > Self.tableLimit { lastEntered.removeAll() }
        }
        switch stop.call.name {
        case "clone", "clone3", "vfork":
            // At entry, before the new thread can run: a thread or a vfork child (which runs in
            // this address space until it execs) makes the space's tids no longer its pid.
            if stop.call.cloneFlags & (CloneFlags.thread | CloneFlags.vm) != 0 || stop.call.name == "vfork" {
                images[stop.context.addressSpace, default: Image()].multiThreaded = true
            }
        case "connect":
            // Known at entry: the peer may accept before this thread runs again.
            if let (port, address) = Self.inetAddress(stop.call.socketAddress) {
                connects.append((port, address))
                if connects.count > 64 { connects.removeFirst() }
            }
        case "execve", "execveat":
            if let path = stop.call.path, let pid = currentPID {
                pendingExec[pid] = (stop.context.addressSpace, path, stop.call.argv, stopCount)
                if pendingExec.count > 256 { pendingExec.removeAll() }
            }
        case "exit_group", "exit":
            if let pid = currentPID, stop.call.name == "exit_group" || threads[stop.context]?.tid == threads[stop.context]?.pid {
                exited[pid] = Int(stop.call.args[0] & 0xFF)
                if exited.count > 256 { exited.removeAll() }
            }
            if stop.call.name == "exit_group", let pid = threads[stop.context]?.pid ?? currentPID {
                parentOf = parentOf.filter { $0.value != pid }  // its children go to another parent
            }
        default: break
        }
    }

    /// The ids a successful set*id call gave the thread. An id of -1 leaves it unchanged;
    /// `setuid`/`setgid` always set the effective id, and the real one too when the caller was
    /// root (known from an earlier call), as the kernel does for a privileged caller.
    static func takeIdentity(_ call: ObservedCall, into thread: inout Thread) {
        func id(_ i: Int) -> Int? {
            let value = UInt32(truncatingIfNeeded: call.args[i])
            return value == UInt32.max ? nil : Int(value)
        }
        let root = thread.euid == 0
        switch call.name {
        case "setresuid", "setreuid":
            if let r = id(0) { thread.uid = r }
            if let e = id(1) { thread.euid = e }
        case "setresgid", "setregid":
            if let r = id(0) { thread.gid = r }
            if let e = id(1) { thread.egid = e }
        case "setuid":
            if root { thread.uid = id(0) }
            thread.euid = id(0)
        case "setgid":
            if root { thread.gid = id(0) }
            thread.egid = id(0)
        default: break
        }
    }

    /// The flags of an open-family call.
    public static func openFlags(_ call: ObservedCall) -> UInt64 {
        switch call.name {
        case "open": call.args[1]
        case "openat": call.args[2]
        case "creat": 0o1101  // O_CREAT | O_WRONLY | O_TRUNC (same values on x86-64 and AArch64)
        default: 0
        }
    }

    /// (port in host order, address as read little-endian) of a struct sockaddr_in.
    public static func inetAddress(_ bytes: [UInt8]) -> (UInt16, UInt32)? {
        guard bytes.count >= 8, bytes[0] == 2, bytes[1] == 0 else { return nil }
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let address = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
        return (port, address)
    }

    public static func basename(_ path: [UInt8]) -> [UInt8] {
        var trimmed = path[...]
        while trimmed.count > 1, trimmed.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: UInt8(ascii: "/")), trimmed.count > 1 {
            return Array(trimmed[(slash + 1)...])
        }
        return Array(trimmed)
    }

    /// Path components of an absolute path ("/a/b" -> ["a", "b"]), nil if not absolute or if
    /// it has "." or ".." parts.
    public static func components(_ path: [UInt8]) -> [[UInt8]]? {
        guard path.first == UInt8(ascii: "/") else { return nil }
        let parts = path.split(separator: UInt8(ascii: "/")).map(Array.init)
        if parts.contains(where: { $0 == [0x2E] || $0 == [0x2E, 0x2E] }) { return nil }
        return parts
    }
}

/// `open` flag values that differ between architectures (the generic ones are shared).
public enum LinuxOpenFlags {
    public static let accessMode: UInt64 = 0o3
    public static let nonblock: UInt64 = 0o4000
    public static let append: UInt64 = 0o2000
    public static func directory(_ a: Architecture) -> UInt64 { a == .x86_64 ? 0o200000 : 0o40000 }
    public static func largefile(_ a: Architecture) -> UInt64 { a == .x86_64 ? 0o100000 : 0o400000 }
}
