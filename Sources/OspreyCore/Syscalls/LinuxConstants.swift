/// Linux's named constants for showing arguments the way strace does. Values are the
/// kernel's UAPI ones: `include/uapi/asm-generic/{fcntl,errno-base,errno,signal,mman-common}.h`,
/// `include/uapi/linux/{fcntl,sched,socket,wait}.h`, and the architecture overrides in
/// `arch/{x86,arm64}/include/uapi/asm/` (only `O_*` differ between x86-64 and AArch64).
public enum LinuxConstants {
    typealias Names = [(value: UInt64, name: String)]

    // MARK: open flags

    /// `O_*` beyond the access mode, in the order strace prints them.
    static func openFlagNames(_ abi: SyscallABI) -> Names {
        let arm = abi == .aarch64
        return [
            (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"), (0o2000, "O_APPEND"),
            (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o10000, "O_DSYNC"),
            (arm ? 0o200000 : 0o40000, "O_DIRECT"), (arm ? 0o400000 : 0o100000, "O_LARGEFILE"),
            (arm ? 0o100000 : 0o400000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"), (0o2000000, "O_CLOEXEC"),
            (0o10000000, "O_PATH"), (0o20000000 | (arm ? 0o40000 : 0o200000), "O_TMPFILE"),
            (arm ? 0o40000 : 0o200000, "O_DIRECTORY"), (0o20000, "FASYNC"),
        ]
    }

    /// `O_*` bits without an access mode (`pipe2`, `dup3`): `O_CLOEXEC`, or `0`.
    public static func openFlagBits(_ value: UInt64, abi: SyscallABI) -> String {
        bits(value, openFlagNames(abi))
    }

    /// `O_RDONLY|O_CLOEXEC`, as strace prints open flags.
    public static func openFlags(_ value: UInt64, abi: SyscallABI) -> String {
        let access = ["O_RDONLY", "O_WRONLY", "O_RDWR", "0x3"][Int(value & 3)]
        let rest = value & ~3
        return rest == 0 ? access : access + "|" + bits(rest, openFlagNames(abi))
    }

    // MARK: other families

    static let at: Names = [
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"), (0x800, "AT_NO_AUTOMOUNT"),
        (0x1000, "AT_EMPTY_PATH"), (0x2000, "AT_STATX_FORCE_SYNC"), (0x4000, "AT_STATX_DONT_SYNC"), (0x8000, "AT_RECURSIVE"),
    ]
    static let prot: Names = [(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC"), (8, "PROT_SEM"),
                              (0x0100_0000, "PROT_GROWSDOWN"), (0x0200_0000, "PROT_GROWSUP")]
    static let map: Names = [
        (0x10, "MAP_FIXED"), (0x20, "MAP_ANONYMOUS"), (0x40, "MAP_32BIT"), (0x100, "MAP_GROWSDOWN"), (0x800, "MAP_DENYWRITE"),
        (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x4000, "MAP_NORESERVE"), (0x8000, "MAP_POPULATE"),
        (0x10000, "MAP_NONBLOCK"), (0x20000, "MAP_STACK"), (0x40000, "MAP_HUGETLB"), (0x80000, "MAP_SYNC"),
        (0x100000, "MAP_FIXED_NOREPLACE"),
    ]
    static let clone: Names = [
        (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"), (0x800, "CLONE_SIGHAND"), (0x1000, "CLONE_PIDFD"),
        (0x2000, "CLONE_PTRACE"), (0x4000, "CLONE_VFORK"), (0x8000, "CLONE_PARENT"), (0x10000, "CLONE_THREAD"),
        (0x20000, "CLONE_NEWNS"), (0x40000, "CLONE_SYSVSEM"), (0x80000, "CLONE_SETTLS"), (0x100000, "CLONE_PARENT_SETTID"),
        (0x200000, "CLONE_CHILD_CLEARTID"), (0x400000, "CLONE_DETACHED"), (0x800000, "CLONE_UNTRACED"),
        (0x1000000, "CLONE_CHILD_SETTID"), (0x2000000, "CLONE_NEWCGROUP"), (0x4000000, "CLONE_NEWUTS"), (0x8000000, "CLONE_NEWIPC"),
        (0x10000000, "CLONE_NEWUSER"), (0x20000000, "CLONE_NEWPID"), (0x40000000, "CLONE_NEWNET"), (0x80000000, "CLONE_IO"),
    ]
    static let access: Names = [(4, "R_OK"), (2, "W_OK"), (1, "X_OK")]
    static let wait: Names = [(1, "WNOHANG"), (2, "WUNTRACED"), (4, "WEXITED"), (8, "WCONTINUED"), (0x0100_0000, "WNOWAIT"),
                              (0x2000_0000, "__WNOTHREAD"), (0x4000_0000, "__WALL"), (0x8000_0000, "__WCLONE")]
    static let msg: Names = [
        (1, "MSG_OOB"), (2, "MSG_PEEK"), (4, "MSG_DONTROUTE"), (8, "MSG_CTRUNC"), (0x10, "MSG_PROXY"), (0x20, "MSG_TRUNC"),
        (0x40, "MSG_DONTWAIT"), (0x80, "MSG_EOR"), (0x100, "MSG_WAITALL"), (0x200, "MSG_FIN"), (0x400, "MSG_SYN"),
        (0x800, "MSG_CONFIRM"), (0x1000, "MSG_RST"), (0x2000, "MSG_ERRQUEUE"), (0x4000, "MSG_NOSIGNAL"), (0x8000, "MSG_MORE"),
        (0x10000, "MSG_WAITFORONE"), (0x4000_0000, "MSG_CMSG_CLOEXEC"),
    ]
    static let addressFamilies: [UInt64: String] = [
        0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6", 16: "AF_NETLINK", 17: "AF_PACKET",
    ]
    static let socketTypes: [UInt64: String] = [1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET", 10: "SOCK_PACKET"]
    static let whence: [UInt64: String] = [0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE"]
    static let fcntl: [UInt64: String] = [
        0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW",
        8: "F_SETOWN", 9: "F_GETOWN", 1030: "F_DUPFD_CLOEXEC", 1033: "F_ADD_SEALS", 1034: "F_GET_SEALS",
    ]

    /// Bits of `value` named from `names`, `|`-joined, the rest in hex; `0` when none.
    static func bits(_ value: UInt64, _ names: Names) -> String {
        var rest = value
        var parts: [String] = []
        for (bit, name) in names where rest & bit == bit {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 || parts.isEmpty { parts.append(rest == 0 ? "0" : "0x" + String(rest, radix: 16)) }
        return parts.joined(separator: "|")
    }

    /// A value of `family`, shown the way strace shows it.
    public static func format(_ value: UInt64, _ family: SyscallFlagFamily, abi: SyscallABI) -> String {
        switch family {
        case .open: return openFlags(value, abi: abi)
        case .at: return bits(value, at)
        case .prot: return value == 0 ? "PROT_NONE" : bits(value, prot)
        case .map:
            let type = ["0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"][Int(value & 3)]
            let rest = value & ~3
            return rest == 0 ? type : type + "|" + bits(rest, abi == .x86_64 ? map : map.filter { $0.name != "MAP_32BIT" })
        case .clone:
            let signal = value & 0xFF
            var text = bits(value & ~0xFF, clone)
            if signal != 0 { text = (text == "0" ? "" : text + "|") + (signalName(Int(signal)) ?? String(signal)) }
            return text
        case .addressFamily: return addressFamilies[value] ?? String(value)
        case .socketType:
            var text = socketTypes[value & 0xF] ?? String(value & 0xF)
            if value & 0o4000 != 0 { text += "|SOCK_NONBLOCK" }
            if value & 0o2000000 != 0 { text += "|SOCK_CLOEXEC" }
            return value & 0xF == 0 && value != 0 ? String(text.dropFirst(2)) : text
        case .whence: return whence[value] ?? String(value)
        case .access: return value == 0 ? "F_OK" : bits(value, access)
        case .wait: return bits(value, wait)
        case .fcntl: return fcntl[value] ?? String(value)
        case .msg: return bits(value, msg)
        }
    }

    // MARK: signals and errors

    static let signals = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
        "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ]

    /// `SIGTERM` for 15; `SIGRT_3` for real-time signals; nil outside 1...64.
    public static func signalName(_ number: Int) -> String? {
        if number >= 1 && number <= signals.count { return signals[number - 1] }
        if number >= 32 && number <= 64 { return number == 32 ? "SIGRTMIN" : "SIGRT_\(number - 32)" }
        return nil
    }

    static let errors: [(String, String)] = [
        ("EPERM", "Operation not permitted"), ("ENOENT", "No such file or directory"), ("ESRCH", "No such process"),
        ("EINTR", "Interrupted system call"), ("EIO", "Input/output error"), ("ENXIO", "No such device or address"),
        ("E2BIG", "Argument list too long"), ("ENOEXEC", "Exec format error"), ("EBADF", "Bad file descriptor"),
        ("ECHILD", "No child processes"), ("EAGAIN", "Resource temporarily unavailable"), ("ENOMEM", "Cannot allocate memory"),
        ("EACCES", "Permission denied"), ("EFAULT", "Bad address"), ("ENOTBLK", "Block device required"),
        ("EBUSY", "Device or resource busy"), ("EEXIST", "File exists"), ("EXDEV", "Invalid cross-device link"),
        ("ENODEV", "No such device"), ("ENOTDIR", "Not a directory"), ("EISDIR", "Is a directory"),
        ("EINVAL", "Invalid argument"), ("ENFILE", "Too many open files in system"), ("EMFILE", "Too many open files"),
        ("ENOTTY", "Inappropriate ioctl for device"), ("ETXTBSY", "Text file busy"), ("EFBIG", "File too large"),
        ("ENOSPC", "No space left on device"), ("ESPIPE", "Illegal seek"), ("EROFS", "Read-only file system"),
        ("EMLINK", "Too many links"), ("EPIPE", "Broken pipe"), ("EDOM", "Numerical argument out of domain"),
        ("ERANGE", "Numerical result out of range"), ("EDEADLK", "Resource deadlock avoided"), ("ENAMETOOLONG", "File name too long"),
        ("ENOLCK", "No locks available"), ("ENOSYS", "Function not implemented"), ("ENOTEMPTY", "Directory not empty"),
        ("ELOOP", "Too many levels of symbolic links"),
    ]
    static let networkErrors: [Int: (String, String)] = [
        61: ("ENODATA", "No data available"), 62: ("ETIME", "Timer expired"), 75: ("EOVERFLOW", "Value too large for defined data type"),
        88: ("ENOTSOCK", "Socket operation on non-socket"), 89: ("EDESTADDRREQ", "Destination address required"),
        90: ("EMSGSIZE", "Message too long"), 91: ("EPROTOTYPE", "Protocol wrong type for socket"),
        92: ("ENOPROTOOPT", "Protocol not available"), 93: ("EPROTONOSUPPORT", "Protocol not supported"),
        95: ("EOPNOTSUPP", "Operation not supported"), 97: ("EAFNOSUPPORT", "Address family not supported by protocol"),
        98: ("EADDRINUSE", "Address already in use"), 99: ("EADDRNOTAVAIL", "Cannot assign requested address"),
        100: ("ENETDOWN", "Network is down"), 101: ("ENETUNREACH", "Network is unreachable"),
        103: ("ECONNABORTED", "Software caused connection abort"), 104: ("ECONNRESET", "Connection reset by peer"),
        105: ("ENOBUFS", "No buffer space available"), 106: ("EISCONN", "Transport endpoint is already connected"),
        107: ("ENOTCONN", "Transport endpoint is not connected"), 110: ("ETIMEDOUT", "Connection timed out"),
        111: ("ECONNREFUSED", "Connection refused"), 113: ("EHOSTUNREACH", "No route to host"),
        114: ("EALREADY", "Operation already in progress"), 115: ("EINPROGRESS", "Operation now in progress"),
        125: ("ECANCELED", "Operation canceled"),
        512: ("ERESTARTSYS", "To be restarted if SA_RESTART is set"), 513: ("ERESTARTNOINTR", "To be restarted"),
        514: ("ERESTARTNOHAND", "To be restarted if no handler"), 516: ("ERESTART_RESTARTBLOCK", "Interrupted by signal"),
    ]

    /// (name, message) of errno `number`, e.g. (`ENOENT`, `No such file or directory`).
    public static func errno(_ number: Int) -> (name: String, message: String)? {
        if number >= 1 && number <= errors.count { return errors[number - 1] }
        return networkErrors[number]
    }
}
