/// How one argument's memory is read.
public enum CaptureStep: Sendable, Equatable {
    /// A struct of this many bytes.
    case fixed(Int)
    /// A buffer whose length is in argument `n` (cut at the buffer limit).
    case lengthArgument(Int)
    /// A buffer the kernel filled with as many bytes as the call returned (cut at the limit).
    case result
    /// A `struct sockaddr` of the length in argument `n` (at most 128 bytes).
    case sockaddrIn(length: Int)
    /// A `struct sockaddr` the kernel filled, its length in the `int` behind argument `n`.
    case sockaddrOut(lengthPointer: Int)
    /// An `int` (a socket address length).
    case int32
    /// A NULL-terminated array of strings; `countOnly` reads only how many (envp).
    case strings(countOnly: Bool)
    /// `count` (argument index) elements of `struct iovec`; `output`: the kernel filled as
    /// many bytes as the call returned.
    case iovec(count: Int, output: Bool)
    /// `count` (argument index) elements of `struct pollfd`.
    case pollfds(count: Int)
    /// The directory entries of `getdents`/`getdents64`, counted.
    case dirents(is64: Bool)
    /// The frame `rt_sigreturn` restores: signal mask and result register.
    case signalFrame
    /// A signal set of the size in argument `n` (at most 8 bytes are shown by strace).
    case sigset(size: Int)
    /// `prctl(PR_SET_NAME, name)` at entry, `prctl(PR_GET_NAME, buf)` at exit: 16 bytes.
    case prctlName
    /// `ioctl(fd, TCGETS, &termios)`: the terminal settings the kernel wrote.
    case ioctlTermios
}

/// When an exit capture is worth reading: only when the kernel wrote the memory.
public enum CaptureCondition: Sendable, Equatable {
    case always
    /// Result 0 or more.
    case success
    /// Result above 0 (`wait4`: a child was reaped).
    case positive
}

/// One argument to read for a call.
public struct CaptureRule: Sendable, Equatable {
    public var slot: Int
    public var moment: CaptureMoment
    public var step: CaptureStep
    public var condition: CaptureCondition

    public init(_ slot: Int, _ moment: CaptureMoment, _ step: CaptureStep, when condition: CaptureCondition = .always) {
        self.slot = slot
        self.moment = moment
        self.step = step
        self.condition = condition
    }

    /// The rules for call `name` of `abi`, from the kinds of its parameters
    /// (``LinuxSyscallSignatures``) plus the calls whose prototypes do not say enough.
    public static func rules(forCall name: String, abi: SyscallABI) -> [CaptureRule] {
        if let special = special(name, abi: abi) { return special }
        guard let parameters = LinuxSyscallSignatures.parameters(of: name, abi: abi) else { return [] }
        var rules: [CaptureRule] = []
        for (i, p) in parameters.enumerated() {
            switch p.kind {
            case .stringArray:
                rules.append(CaptureRule(i, .entry, .strings(countOnly: p.name == "envp")))
            case .bufferIn(let length):
                rules.append(CaptureRule(i, .entry, .lengthArgument(length)))
            case .bufferOut:
                rules.append(CaptureRule(i, .exit, .result, when: .success))
            case .sockaddrIn(let length):
                rules.append(CaptureRule(i, .entry, .sockaddrIn(length: length)))
            case .sockaddrOut(let lengthPointer):
                rules.append(CaptureRule(lengthPointer, .entry, .int32))
                rules.append(CaptureRule(i, .exit, .sockaddrOut(lengthPointer: lengthPointer), when: .success))
                rules.append(CaptureRule(lengthPointer, .exit, .int32, when: .success))
            case .iovec(let count, let output):
                rules.append(output
                    ? CaptureRule(i, .exit, .iovec(count: count, output: true), when: .success)
                    : CaptureRule(i, .entry, .iovec(count: count, output: false)))
            case .pollfds(let count):
                rules.append(CaptureRule(i, .exit, .pollfds(count: count)))
            case .structOut(let s):
                rules.append(CaptureRule(i, .exit, .fixed(size(of: s, abi: abi)), when: .success))
            case .structPointer(let type):
                if type == "linux_dirent64" || type == "linux_dirent" {
                    rules.append(CaptureRule(i, .exit, .dirents(is64: type == "linux_dirent64"), when: .success))
                } else if let size = size(ofStruct: type, abi: abi) {
                    rules.append(p.type.hasPrefix("const ")
                        ? CaptureRule(i, .entry, .fixed(size))
                        : CaptureRule(i, .exit, .fixed(size), when: .success))
                }
            case .fdPairOut:
                rules.append(CaptureRule(i, .exit, .fixed(8), when: .success))
            case .waitStatusOut:
                rules.append(CaptureRule(i, .exit, .fixed(4), when: .positive))
            default:
                break
            }
        }
        return rules
    }

    /// Calls whose prototypes do not tell what their memory arguments hold or which way
    /// they go.
    private static func special(_ name: String, abi: SyscallABI) -> [CaptureRule]? {
        switch name {
        case "rt_sigreturn":
            [CaptureRule(signalFrame, .entry, .signalFrame)]
        case "rt_sigprocmask":
            [CaptureRule(1, .entry, .sigset(size: 3)), CaptureRule(2, .exit, .sigset(size: 3), when: .success)]
        case "ppoll":
            [CaptureRule(0, .exit, .pollfds(count: 1)), CaptureRule(2, .entry, .fixed(16)), CaptureRule(3, .entry, .sigset(size: 4))]
        case "setsockopt":
            [CaptureRule(3, .entry, .lengthArgument(4))]
        case "nanosleep":
            [CaptureRule(0, .entry, .fixed(16))]
        case "prctl":
            [CaptureRule(1, .entry, .prctlName), CaptureRule(1, .exit, .prctlName, when: .success)]
        case "ioctl":
            [CaptureRule(2, .exit, .ioctlTermios, when: .success)]
        default:
            nil
        }
    }

    private static var signalFrame: Int { CapturedArgument.signalFrame }

    /// Bytes of the kernel's `struct stat`/`statx` for `abi`.
    public static func size(of s: SyscallStruct, abi: SyscallABI) -> Int {
        switch s {
        case .stat: abi == .aarch64 ? 128 : 144
        case .stat64: abi == .i386 ? 96 : 144
        case .statx: 256
        }
    }

    /// Bytes read for a struct Osprey decodes, or nil for one it leaves as a pointer.
    static func size(ofStruct type: String, abi: SyscallABI) -> Int? {
        switch type {
        case "__kernel_timespec", "timespec", "rlimit64", "rlimit", "timeval", "__kernel_old_timeval": 16
        case "timezone": 8
        // handler, flags, restorer, mask on both (AArch64 keeps sa_restorer for compat tasks).
        case "sigaction": 32
        case "new_utsname": 390
        case "clone_args": 88
        case "sched_param": 4
        case "__kernel_itimerspec": 32
        default: nil
        }
    }
}
