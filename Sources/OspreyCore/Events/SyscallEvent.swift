/// How a system call ended, as far as Osprey saw it.
public enum SyscallEnd: String, Sendable {
    /// Returned to the instruction after the call; `result` holds the return value.
    case returned
    /// By design never returns (`exit`, `exit_group`, `rt_sigreturn`); emitted at entry.
    case noReturn = "noreturn"
    /// A successful `execve`: the caller continued in a new image (result 0).
    case exec
    /// Interrupted and issued again by the kernel (seen as a new entry of the same thread at
    /// the same instruction before any return).
    case restarted
    /// The child's side of `fork`/`vfork`/`clone`/`clone3` (result 0 in the new task).
    case child
    /// No exit was seen: the run ended first, the thread's process died, or the thread moved
    /// on without returning to the call site.
    case unfinished
}

/// A string argument read from guest memory at the call's entry.
public struct DecodedString: Sendable, Equatable {
    /// Index of the argument (0-5) that points at the string.
    public var argument: Int
    /// The bytes before the terminating NUL (empty if unreadable).
    public var bytes: [UInt8]
    /// No NUL within the limit, or an unreadable page before it.
    public var truncated: Bool
    /// Not even the first byte could be read.
    public var unreadable: Bool

    public init(argument: Int, bytes: [UInt8], truncated: Bool = false, unreadable: Bool = false) {
        self.argument = argument
        self.bytes = bytes
        self.truncated = truncated
        self.unreadable = unreadable
    }
}

/// What is known of the guest task that made a call.
public struct TaskIdentity: Sendable, Equatable {
    public var pid: GuestPID?
    public var tid: GuestPID?
    public var ppid: GuestPID?
    public var comm: GuestText?

    public init(pid: GuestPID? = nil, tid: GuestPID? = nil, ppid: GuestPID? = nil, comm: GuestText? = nil) {
        self.pid = pid
        self.tid = tid
        self.ppid = ppid
        self.comm = comm
    }
}

/// One system call in the trace (`"type": "syscall"`).
public struct SyscallEvent: Sendable {
    public var seq: UInt64
    /// Ordinal of the call's entry among all entries (the order strace prints calls in);
    /// the child's side of a fork carries its parent's.
    public var entry: UInt64
    public var vcpu: Int
    public var abi: SyscallABI
    public var addressSpace: AddressSpaceID
    public var stackPointer: UInt64
    /// Address of the system-call instruction.
    public var pc: GuestAddress
    public var task: TaskIdentity
    public var number: Int64
    public var args: SyscallArguments
    public var strings: [DecodedString]
    /// Memory behind the arguments (buffers, structs, argv...), read at entry and exit.
    public var captures: [CapturedArgument]
    /// The kernel's return value, when the call returned (also 0 for `exec` and `child`).
    public var result: Int64?
    public var end: SyscallEnd
    /// The instruction count at the call's entry and at its return (see `docs/trace-format.md`).
    public var icount: UInt64?
    public var exitIcount: UInt64?

    public init(
        seq: UInt64, entry: UInt64, vcpu: Int, abi: SyscallABI, addressSpace: AddressSpaceID, stackPointer: UInt64,
        pc: GuestAddress, task: TaskIdentity, number: Int64, args: SyscallArguments,
        strings: [DecodedString], captures: [CapturedArgument] = [], result: Int64?, end: SyscallEnd,
        icount: UInt64? = nil, exitIcount: UInt64? = nil
    ) {
        self.icount = icount
        self.exitIcount = exitIcount
        self.seq = seq
        self.entry = entry
        self.vcpu = vcpu
        self.abi = abi
        self.addressSpace = addressSpace
        self.stackPointer = stackPointer
        self.pc = pc
        self.task = task
        self.number = number
        self.args = args
        self.strings = strings
        self.captures = captures
        self.result = result
        self.end = end
    }

    /// The call's name from the ABI's table, nil for an unknown number.
    public var name: String? { SyscallTable.linux(abi).name(of: number) }
}

/// Receives events in trace order. Called serially (the engine holds its lock).
public protocol EventSink: AnyObject {
    func emit(_ event: SyscallEvent)
    /// A monitor event, numbered `seq` in the same sequence as system calls.
    func emit(_ event: MonitorEvent, seq: UInt64)
    /// The run is over and every call has been emitted: write any footer, flush and close.
    /// Returns a problem to report (say, a failed write), or nil.
    func finish(events: UInt64, unfinished: Int) -> String?
}

/// Keeps events in memory; for tests and small tools.
public final class InMemoryEventSink: EventSink {
    public private(set) var events: [SyscallEvent] = []
    public private(set) var monitorEvents: [(seq: UInt64, event: MonitorEvent)] = []
    public init() {}
    public func emit(_ event: MonitorEvent, seq: UInt64) { monitorEvents.append((seq, event)) }
    public private(set) var finished = false
    public func emit(_ event: SyscallEvent) { events.append(event) }
    public func finish(events: UInt64, unfinished: Int) -> String? {
        finished = true
        return nil
    }
}
