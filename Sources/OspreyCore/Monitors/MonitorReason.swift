/// Why the monitors look at the kernel at a stop: what the task on that vCPU just did.
public enum MonitorReason: Sendable, Equatable {
    /// A call that changes kernel objects returned (`result` is the kernel's value).
    case returned(MonitoredCall)
    /// `exit` or `exit_group` was entered with this code (they never return).
    case exiting(thread: Bool, code: Int)
    /// The first call from an address space not seen before: a new process or a new image.
    case newAddressSpace
}

/// A call the monitors follow, as seen from user mode.
public struct MonitoredCall: Sendable, Equatable {
    public var name: String
    public var args: SyscallArguments
    public var result: Int64
    /// `wait4`: the status it stored for the reaped child, when readable.
    public var waitStatus: UInt32?

    public init(name: String, args: SyscallArguments, result: Int64, waitStatus: UInt32? = nil) {
        self.name = name
        self.args = args
        self.result = result
        self.waitStatus = waitStatus
    }

    public var succeeded: Bool { result >= 0 || result < -4095 }
}

/// Which monitors a call matters to; decided once per call number.
public struct MonitorInterest: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Creates processes or threads, or reaps them.
    public static let processes = MonitorInterest(rawValue: 1 << 0)
    /// Changes the descriptor table.
    public static let files = MonitorInterest(rawValue: 1 << 1)
    /// Changes the memory map.
    public static let memory = MonitorInterest(rawValue: 1 << 2)
    /// Gives a socket an address or a peer.
    public static let sockets = MonitorInterest(rawValue: 1 << 3)
    /// Ends the calling thread or process (taken at entry).
    public static let exits = MonitorInterest(rawValue: 1 << 4)
    /// Renames the task (`prctl(PR_SET_NAME)`).
    public static let names = MonitorInterest(rawValue: 1 << 5)
    /// Changes the caller's user or group ids (`setresuid` and friends).
    public static let identity = MonitorInterest(rawValue: 1 << 6)

    /// What a call of this name changes.
    public static func of(_ name: String) -> MonitorInterest {
        switch name {
        case "fork", "vfork", "clone", "clone3": [.processes, .files, .memory]
        case "wait4", "waitid", "kill", "tkill", "tgkill": [.processes]
        case "exit", "exit_group": [.exits]
        case "execve", "execveat": [.processes, .files, .memory]
        case "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3", "fcntl",
             "pipe", "pipe2", "socketpair", "eventfd", "eventfd2", "epoll_create", "epoll_create1", "signalfd",
             "signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "memfd_create", "pidfd_open",
             "open_by_handle_at", "userfaultfd", "recvmsg", "recvmmsg", "unshare":
            [.files]
        case "socket", "accept", "accept4": [.files, .sockets]
        case "bind", "connect", "listen": [.sockets]
        case "mmap", "mmap2", "munmap", "mprotect", "mremap", "brk", "shmat", "shmdt", "madvise", "pkey_mprotect":
            [.memory]
        case "prctl": [.names]
        case "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
             "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32":
            [.identity]
        default: []
        }
    }
}
