/// A system call as seen at its entry: decoded on the vCPU thread before any lock is taken.
public struct SyscallEntryRecord: Sendable {
    public var vcpu: Int
    public var abi: SyscallABI
    public var number: Int64
    public var args: SyscallArguments
    /// Address of the system-call instruction.
    public var pc: GuestAddress
    /// Where the call returns to user code.
    public var returnAddress: GuestAddress
    public var stackPointer: UInt64
    public var addressSpace: AddressSpaceID
    /// The thread pointer (x86-64 FS base, AArch64 TPIDR_EL0): distinct per thread.
    public var threadPointer: UInt64
    public var strings: [DecodedString]
    /// Memory behind the arguments: read at entry by the decoder, at exit by the tracker.
    public var captures: [CapturedArgument] = []
    /// For fork-like calls: the clone flags (fork: SIGCHLD; vfork: CLONE_VM|CLONE_VFORK).
    public var cloneFlags: UInt64
    /// For fork-like calls: the child's stack if the caller gave one (0 otherwise).
    public var childStack: UInt64
    /// For fork-like calls: the `child_tid` pointer (where CLONE_CHILD_SETTID stores the tid).
    public var childTIDPointer: UInt64 = 0
    /// Ordinal of this entry among all entries; set by the tracker.
    public var ordinal: UInt64 = 0
    /// The instruction count at the call instruction (the plugin's clock), when known.
    public var icount: UInt64?
    /// The instruction count where the call returned; set by the tracker from the return.
    public var exitIcount: UInt64?

    public init(
        vcpu: Int, abi: SyscallABI, number: Int64, args: SyscallArguments, pc: GuestAddress,
        returnAddress: GuestAddress, stackPointer: UInt64, addressSpace: AddressSpaceID,
        threadPointer: UInt64, strings: [DecodedString] = [], cloneFlags: UInt64 = 0, childStack: UInt64 = 0
    ) {
        self.vcpu = vcpu
        self.abi = abi
        self.number = number
        self.args = args
        self.pc = pc
        self.returnAddress = returnAddress
        self.stackPointer = stackPointer
        self.addressSpace = addressSpace
        self.threadPointer = threadPointer
        self.strings = strings
        self.cloneFlags = cloneFlags
        self.childStack = childStack
    }
}

/// The state of a vCPU at an instruction where system calls return.
public struct SyscallReturnRecord: Sendable {
    public var vcpu: Int
    /// Address of the instruction (a call's return address).
    public var pc: GuestAddress
    public var stackPointer: UInt64
    public var addressSpace: AddressSpaceID
    public var threadPointer: UInt64
    /// The result register, raw (interpreted with the matched call's ABI).
    public var rawResult: UInt64
    /// The instruction count at the return (the plugin's clock), when known.
    public var icount: UInt64?

    public init(vcpu: Int, pc: GuestAddress, stackPointer: UInt64, addressSpace: AddressSpaceID, threadPointer: UInt64, rawResult: UInt64) {
        self.vcpu = vcpu
        self.pc = pc
        self.stackPointer = stackPointer
        self.addressSpace = addressSpace
        self.threadPointer = threadPointer
        self.rawResult = rawResult
    }
}

/// Linux clone flags the engine interprets.
public enum CloneFlags {
    public static let vm: UInt64 = 0x100
    public static let vfork: UInt64 = 0x4000
    /// The child's parent is the caller's parent (CLONE_PARENT).
    public static let parent: UInt64 = 0x8000
    public static let thread: UInt64 = 0x10000
    public static let setTLS: UInt64 = 0x80000
    /// The kernel writes the child's tid to `child_tid` in the child's memory before it runs.
    public static let childSetTID: UInt64 = 0x0100_0000
    /// SIGCHLD, the exit signal `fork` uses.
    public static let sigchld: UInt64 = 17
}
