/// How an argument of a system call is to be read and shown, decided from its C type and name
/// in the kernel's prototype (`scripts/gen-syscall-signatures.py`).
public enum SyscallArgumentKind: Sendable, Equatable {
    /// Integers: shown signed or unsigned.
    case signed, unsigned
    /// A process or thread id.
    case pid
    /// A file descriptor; a directory descriptor where `AT_FDCWD` (-100) may appear.
    case fd, dirfd
    /// A NUL-terminated path or other string, read at entry.
    case path, string
    /// A NULL-terminated array of string pointers (execve's argv and envp), read at entry.
    case stringArray
    /// A buffer the caller fills (read at entry), with its length in argument `length`.
    case bufferIn(length: Int)
    /// A buffer the kernel fills (read at exit, as many bytes as the call returned).
    case bufferOut(length: Int)
    /// A `struct sockaddr` given by the caller, with its length in argument `length`.
    case sockaddrIn(length: Int)
    /// A `struct sockaddr` the kernel fills, its length behind pointer argument `lengthPointer`.
    case sockaddrOut(lengthPointer: Int)
    /// An array of `struct iovec`, `count` entries; `output` when the kernel fills the buffers.
    case iovec(count: Int, output: Bool)
    /// An array of `struct pollfd`, `count` entries.
    case pollfds(count: Int)
    /// A struct the kernel fills.
    case structOut(SyscallStruct)
    /// A pointer to a struct Osprey does not decode (its C name).
    case structPointer(String)
    /// `int[2]` the kernel fills with two descriptors (pipe, pipe2).
    case fdPairOut
    /// `int *` the kernel fills with a wait status (wait4).
    case waitStatusOut
    /// Flags or a value of a named family, shown symbolically.
    case flags(SyscallFlagFamily)
    /// File permission bits, shown in octal.
    case mode
    /// A signal number.
    case signal
    /// Any other pointer: shown as an address.
    case pointer
}

/// Structs the decoders read.
public enum SyscallStruct: String, Sendable {
    case stat, stat64, statx
}

/// Families of named constants (their values are the same on x86-64 and AArch64 Linux).
public enum SyscallFlagFamily: String, Sendable {
    /// `O_*` (open, openat, pipe2, dup3).
    case open
    /// `AT_*` (the *at calls' flags).
    case at
    /// `PROT_*`, `MAP_*`.
    case prot, map
    /// `CLONE_*` and the exit signal in the low byte.
    case clone
    /// `AF_*`, and `SOCK_*` with `SOCK_NONBLOCK`/`SOCK_CLOEXEC`.
    case addressFamily, socketType
    /// `SEEK_*`, `F_OK`/`R_OK`/`W_OK`/`X_OK`, `WNOHANG`..., `F_*` commands, `MSG_*`.
    case whence, access, wait, fcntl, msg
}

/// One parameter of a system call as the kernel declares it.
public struct SyscallParameter: Sendable, Equatable {
    public var name: String
    /// The C type as declared, e.g. `const char __user *`.
    public var type: String
    public var kind: SyscallArgumentKind

    public init(_ name: String, _ type: String, _ kind: SyscallArgumentKind) {
        self.name = name
        self.type = type
        self.kind = kind
    }
}

/// System-call signatures per ABI, generated from the kernel's own prototypes
/// (`include/linux/syscalls.h`); see `LinuxSyscallSignatures.source`.
public enum LinuxSyscallSignatures {
    /// The parameters of call `name` in `abi`, or nil when the kernel declares none we know
    /// (i386 calls are not described).
    public static func parameters(of name: String, abi: SyscallABI) -> [SyscallParameter]? {
        switch abi {
        case .x86_64: x86_64[name]
        case .aarch64: aarch64[name]
        case .i386: nil
        }
    }
}
