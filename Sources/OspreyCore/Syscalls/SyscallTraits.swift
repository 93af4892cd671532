/// What the syscall engine must know about a call to match its entry with its exit and to
/// learn process identities from it.
public struct SyscallTraits: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Never returns to the instruction after the call (`exit`, `exit_group`, `rt_sigreturn`).
    public static let noReturn = SyscallTraits(rawValue: 1 << 0)
    /// Ends the whole thread group (`exit_group`).
    public static let endsProcess = SyscallTraits(rawValue: 1 << 1)
    /// Ends the calling thread (`exit`).
    public static let endsThread = SyscallTraits(rawValue: 1 << 2)
    /// Returns twice, in the parent and in a new child (`fork`, `vfork`, `clone`, `clone3`).
    public static let forksChild = SyscallTraits(rawValue: 1 << 3)
    /// On success, does not return: the caller continues in a new image (`execve`, `execveat`).
    public static let replacesImage = SyscallTraits(rawValue: 1 << 4)
    /// Returns the caller's process id (`getpid`).
    public static let returnsPID = SyscallTraits(rawValue: 1 << 5)
    /// Returns the caller's thread id (`gettid`, `set_tid_address`).
    public static let returnsTID = SyscallTraits(rawValue: 1 << 6)
    /// Returns the caller's parent process id (`getppid`).
    public static let returnsPPID = SyscallTraits(rawValue: 1 << 7)
    /// The kernel's restart of an interrupted call (`restart_syscall`).
    public static let restart = SyscallTraits(rawValue: 1 << 8)
    /// Sets the x86-64 thread pointer (`arch_prctl`).
    public static let setsThreadPointer = SyscallTraits(rawValue: 1 << 9)
    /// May rename the task (`prctl(PR_SET_NAME, name)`).
    public static let setsName = SyscallTraits(rawValue: 1 << 10)

    /// Traits of the Linux call named `name` (same on every ABI).
    public static func of(name: String) -> SyscallTraits {
        switch name {
        case "exit": [.noReturn, .endsThread]
        case "exit_group": [.noReturn, .endsProcess]
        case "rt_sigreturn", "sigreturn": [.noReturn]
        case "fork", "vfork", "clone", "clone3": [.forksChild]
        case "execve", "execveat": [.replacesImage]
        case "getpid": [.returnsPID]
        case "gettid", "set_tid_address": [.returnsTID]
        case "getppid": [.returnsPPID]
        case "restart_syscall": [.restart]
        case "arch_prctl": [.setsThreadPointer]
        case "prctl": [.setsName]
        default: []
        }
    }
}

/// Which arguments of a Linux call are NUL-terminated path names, read at entry.
public enum PathArguments {
    /// Argument indices that are paths for the call named `name`.
    public static func of(name: String) -> [Int] {
        switch name {
        case "open", "creat", "execve", "stat", "lstat", "stat64", "lstat64", "access", "readlink",
             "unlink", "mkdir", "rmdir", "chdir", "chroot", "chmod", "chown", "lchown", "chown32",
             "lchown32", "truncate", "truncate64", "mknod", "statfs", "statfs64", "umount2", "umount",
             "uselib", "swapon", "swapoff", "acct", "utime", "utimes", "oldstat", "oldlstat",
             "setxattr", "lsetxattr", "getxattr", "lgetxattr", "listxattr", "llistxattr",
             "removexattr", "lremovexattr", "inotify_add_watch_path":
            [0]
        case "openat", "openat2", "execveat", "newfstatat", "fstatat64", "statx", "faccessat",
             "faccessat2", "readlinkat", "unlinkat", "mkdirat", "fchmodat", "fchmodat2", "fchownat",
             "mknodat", "utimensat", "futimesat", "open_tree", "name_to_handle_at", "fsopen_path":
            [1]
        case "rename", "link", "symlink", "pivot_root":
            [0, 1]
        case "renameat", "renameat2", "linkat":
            [1, 3]
        case "symlinkat":
            [0, 2]
        case "mount":
            [0, 1, 2]
        default:
            []
        }
    }
}
