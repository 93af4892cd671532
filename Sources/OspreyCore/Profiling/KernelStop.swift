/// The user-mode identity of a thread: its address space and thread pointer (FS base on
/// x86-64, TPIDR_EL0 on AArch64). Two threads of one process share the first, never both.
public struct UserContext: Hashable, Sendable {
    public var addressSpace: UInt64
    public var threadPointer: UInt64
    public init(addressSpace: UInt64, threadPointer: UInt64) {
        self.addressSpace = addressSpace
        self.threadPointer = threadPointer
    }
}

/// A system call as the profiler saw it from user mode: arguments and the user memory they
/// point to (read at entry), and, once it returned, the result and the user memory it filled.
public struct ObservedCall: Sendable {
    public var name: String
    public var args: SyscallArguments
    /// The signed result, once the call returned to the same thread.
    public var result: Int64?
    /// The first path argument (open, openat, execve, chdir, ...), read at entry.
    public var path: [UInt8]?
    /// `execve` argv strings (at most 32), read at entry.
    public var argv: [[UInt8]] = []
    /// The socket address given to bind/connect (at entry) or filled by accept (at return).
    public var socketAddress: [UInt8] = []
    /// The first bytes of the buffer filled by fstat/newfstatat/statx (at return).
    public var statBuffer: [UInt8] = []
    /// clone/clone3: the flags and the child's thread pointer (CLONE_SETTLS).
    public var cloneFlags: UInt64 = 0
    public var childThreadPointer: UInt64 = 0
    /// User stack pointer and return address at entry, to match the return.
    public var stackPointer: UInt64 = 0
    public var returnAddress: UInt64 = 0

    public init(name: String, args: SyscallArguments) {
        self.name = name
        self.args = args
    }

    /// Argument `i` as the kernel reads an `int` (a descriptor): its low 32 bits, signed. The
    /// guest sets all 64 bits of the register; the upper ones mean nothing to the kernel.
    public func int(_ i: Int) -> Int { Int(Int32(truncatingIfNeeded: args[i])) }

    /// The path argument as text (lossy UTF-8), if any.
    public var pathString: String? { path.map { String(decoding: $0, as: UTF8.self) } }

    /// The result as a non-negative value (a descriptor, a pid, an address), or nil for errors.
    public var success: UInt64? {
        guard let result, result >= 0 || result < -4095 else { return nil }
        return UInt64(bitPattern: result)
    }
}

/// One moment when the kernel's memory can be read: in kernel mode, on the way into a system
/// call, after the kernel's own page tables and per-CPU base are in place. Profile tests run
/// at stops.
public struct KernelStop: Sendable {
    public var vcpu: Int
    /// The user thread making the call.
    public var context: UserContext
    /// The call being entered.
    public var call: ObservedCall
    /// The same thread's previous call, complete with its result (nil if it was not seen
    /// returning, e.g. after exec).
    public var previous: ObservedCall?
    /// The per-CPU base: GS base on x86-64 (in the kernel), TPIDR_EL1 on AArch64 (an offset).
    public var perCPUBase: UInt64
    /// SP_EL0 on AArch64 (the current task while in EL1); 0 on x86-64.
    public var currentRegister: UInt64
    /// The page-table root the kernel runs with at this moment (CR3 / TTBR0_EL1), raw.
    public var pageTableRoot: UInt64
    /// Address of the kernel code where the stop was taken.
    public var kernelPC: UInt64

    public init(
        vcpu: Int, context: UserContext, call: ObservedCall, previous: ObservedCall?, perCPUBase: UInt64,
        currentRegister: UInt64, pageTableRoot: UInt64, kernelPC: UInt64
    ) {
        self.vcpu = vcpu
        self.context = context
        self.call = call
        self.previous = previous
        self.perCPUBase = perCPUBase
        self.currentRegister = currentRegister
        self.pageTableRoot = pageTableRoot
        self.kernelPC = kernelPC
    }
}
