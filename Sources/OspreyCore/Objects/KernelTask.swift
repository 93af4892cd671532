/// A task (process or thread) as the kernel's own `task_struct` describes it, read at a stop.
public struct KernelTask: Equatable, Sendable {
    /// Address of the `task_struct` (identifies the task while it lives).
    public var address: UInt64
    /// The thread id (`task_struct.pid`).
    public var tid: GuestPID
    /// The process id (`task_struct.tgid`).
    public var pid: GuestPID
    /// The parent process's id (`real_parent->tgid`), 0 for the kernel's first tasks.
    public var ppid: GuestPID
    /// `comm`: the task's name, at most 15 bytes, exactly as the kernel keeps it.
    public var comm: GuestText
    /// `__state` (`state` before 5.14) and `exit_state`, raw.
    public var state: UInt32
    public var exitState: UInt32
    /// `exit_code` as the parent's wait would see it (code << 8, or the signal).
    public var exitCode: UInt32
    /// The real user id (`real_cred->uid`), when readable.
    public var uid: UInt32?
    /// The memory descriptor; 0 for kernel threads.
    public var mm: UInt64

    public init(
        address: UInt64, tid: GuestPID, pid: GuestPID, ppid: GuestPID, comm: GuestText, state: UInt32, exitState: UInt32,
        exitCode: UInt32, uid: UInt32?, mm: UInt64
    ) {
        self.address = address
        self.tid = tid
        self.pid = pid
        self.ppid = ppid
        self.comm = comm
        self.state = state
        self.exitState = exitState
        self.exitCode = exitCode
        self.uid = uid
        self.mm = mm
    }

    /// A kernel thread (no user address space).
    public var isKernelThread: Bool { mm == 0 }
    /// The thread that leads its group (the process itself).
    public var isLeader: Bool { tid == pid }

    /// The one-letter state `ps` and `/proc/PID/stat` show: R S D T t X Z P I.
    public var stateLetter: String { TaskState.letter(state: state, exitState: exitState) }
}

/// The kernel's task states as `/proc` reports them (fs/proc/array.c's `task_state_array`).
public enum TaskState {
    static let letters: [Character] = ["R", "S", "D", "T", "t", "X", "Z", "P", "I"]
    /// `TASK_REPORT`: the state bits `/proc` reports.
    static let report: UInt32 = 0x7F
    /// `TASK_IDLE` (`TASK_UNINTERRUPTIBLE | TASK_NOLOAD`), reported as I.
    static let idle: UInt32 = 0x402

    /// The letter for a raw `__state` and `exit_state`.
    public static func letter(state: UInt32, exitState: UInt32) -> String {
        let bits = (state | exitState) & report
        var index = bits == 0 ? 0 : 32 - bits.leadingZeroBitCount
        if state == idle && exitState == 0 { index = 8 }
        return String(letters[min(index, letters.count - 1)])
    }
}

/// How a process ended, from the kernel's exit code (`exit_code`, a wait status).
public struct ExitStatus: Equatable, Sendable {
    /// The code given to `exit`/`exit_group` (0-255), when it exited.
    public var code: Int?
    /// The signal that killed it, when it was killed.
    public var signal: Int?
    /// Whether it dumped core.
    public var core: Bool

    public init(code: Int? = nil, signal: Int? = nil, core: Bool = false) {
        self.code = code
        self.signal = signal
        self.core = core
    }

    /// Decodes a wait status (`exit_code` of a zombie, or what `wait4` stores).
    public init(waitStatus: UInt32) {
        let low = Int(waitStatus & 0x7F)
        if low == 0 {
            self.init(code: Int((waitStatus >> 8) & 0xFF))
        } else {
            self.init(signal: low, core: waitStatus & 0x80 != 0)
        }
    }
}
