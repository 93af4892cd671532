/// Turns the registers and memory of a vCPU stopped at a system-call instruction (or at a
/// return address) into entry and return records. Runs on the vCPU thread, without locks.
public struct SyscallDecoder: Sendable {
    public let architecture: Architecture
    /// Longest path string read from guest memory.
    public var pathLimit: Int = 4096
    /// Reads the memory behind input arguments at entry; nil reads only paths.
    public var capture: ArgumentCapture?

    public init(architecture: Architecture, capture: ArgumentCapture? = nil) {
        self.architecture = architecture
        self.capture = capture
    }

    /// Decodes a call entry at `pc`. Returns nil when a register needed to identify the call
    /// cannot be read (the event is then dropped, never guessed).
    public func decodeEntry(
        instruction: SyscallInstruction, pc: GuestAddress, returnAddress: GuestAddress, vcpu: Int,
        registers: some RegisterReader, memory: some GuestMemory
    ) -> SyscallEntryRecord? {
        let cs: UInt64? = instruction == .x86Syscall ? registers.read(.cs) : nil
        let abi = SyscallABI.of(instruction, codeSegment: cs)
        guard let rawNumber = registers.read(abi.numberRegister),
              let sp = registers.read(architecture.stackPointerRegister),
              let root = registers.read(architecture.pageTableRootRegister)
        else { return nil }
        let number = abi == .i386 ? Int64(Int32(truncatingIfNeeded: rawNumber)) : Int64(bitPattern: rawNumber)
        var args = SyscallArguments()
        for (i, reg) in abi.argumentRegisters.enumerated() {
            args[i] = abi.narrow(registers.read(reg) ?? 0)
        }
        let tp = registers.read(architecture.threadPointerRegister) ?? 0
        var record = SyscallEntryRecord(
            vcpu: vcpu, abi: abi, number: number, args: args, pc: pc, returnAddress: returnAddress,
            stackPointer: sp, addressSpace: architecture.addressSpace(fromRoot: root), threadPointer: tp)
        let table = SyscallTable.linux(abi)
        for index in table.pathArguments(of: number) {
            record.strings.append(DecodedString.read(argument: index, at: args[index], memory: memory, limit: pathLimit))
        }
        capture?.captureEntry(&record, memory: memory)
        if table.traits(of: number).contains(.forksChild) {
            decodeClone(&record, name: table.name(of: number) ?? "", memory: memory)
        }
        return record
    }

    /// Decodes the state at a return address.
    public func decodeReturn(pc: GuestAddress, vcpu: Int, registers: some RegisterReader) -> SyscallReturnRecord? {
        let resultRegister: ArchRegister = architecture == .x86_64 ? .rax : .x0
        guard let result = registers.read(resultRegister),
              let sp = registers.read(architecture.stackPointerRegister),
              let root = registers.read(architecture.pageTableRootRegister)
        else { return nil }
        let tp = registers.read(architecture.threadPointerRegister) ?? 0
        return SyscallReturnRecord(
            vcpu: vcpu, pc: pc, stackPointer: sp, addressSpace: architecture.addressSpace(fromRoot: root),
            threadPointer: tp, rawResult: result)
    }

    private func decodeClone(_ record: inout SyscallEntryRecord, name: String, memory: some GuestMemory) {
        switch name {
        case "fork":
            record.cloneFlags = CloneFlags.sigchld
        case "vfork":
            record.cloneFlags = CloneFlags.vm | CloneFlags.vfork | CloneFlags.sigchld
        case "clone3":
            // struct clone_args { u64 flags; pidfd; child_tid; parent_tid; exit_signal; stack; stack_size; tls; ... }
            let base = GuestAddress(record.args[0])
            record.cloneFlags = memory.readInteger(at: base, size: 8) ?? 0
            record.childTIDPointer = memory.readInteger(at: base.advanced(by: 16), size: 8) ?? 0
            if let stack = memory.readInteger(at: base.advanced(by: 40), size: 8),
               let size = memory.readInteger(at: base.advanced(by: 48), size: 8), stack != 0 {
                record.childStack = stack &+ size
            }
        default:  // clone(flags, newsp, parent_tid, ...): x86-64 has child_tid before tls
            record.cloneFlags = record.args[0]
            record.childStack = record.args[1]
            record.childTIDPointer = record.abi == .x86_64 ? record.args[3] : record.args[4]
        }
    }
}

extension DecodedString {
    /// The string argument `argument` points at (`address`), read now: unreadable when the
    /// pointer is NULL or its first byte cannot be read.
    public static func read(argument: Int, at address: UInt64, memory: some GuestMemory, limit: Int) -> DecodedString {
        guard address != 0, let (bytes, truncated) = memory.readCString(at: GuestAddress(address), limit: limit) else {
            return DecodedString(argument: argument, bytes: [], unreadable: true)
        }
        return DecodedString(argument: argument, bytes: bytes, truncated: truncated)
    }
}
