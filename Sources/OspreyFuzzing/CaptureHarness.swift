import OspreyCore

/// The argument capture (what `decoded` in a trace holds) on hostile memory: any call of either
/// ABI with arguments, a result and a guest memory image from the input, read at entry and at
/// exit with a buffer limit from the input. Every read must stay bounded.
public enum CaptureHarness {
    /// One capture per buffer limit, made on first use (making one plans every call).
    nonisolated(unsafe) static var captures: [Int: ArgumentCapture] = [:]

    public static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        guard let selector = input.readU8(), let rawNumber = input.readU16(), let limit = input.readU8(),
              let result = input.readU64(), let sp = input.readU64()
        else { return }
        let abi: SyscallABI = selector & 1 == 0 ? .x86_64 : .aarch64
        let table = SyscallTable.linux(abi)
        let number = Int64(rawNumber) % Int64(max(1, table.count))
        var args = SyscallArguments()
        for i in 0..<SyscallArguments.count { args[i] = input.readU64() ?? 0 }
        // The rest is memory: (page number, 4096 bytes or fewer) pairs; the low pages of the
        // argument values land in them often because seeds point arguments there.
        var pages: [MemoryCapture.Page] = []
        while pages.count < 16, let number = input.readU64(), let bytes = input.readBlob() {
            pages.append(MemoryCapture.Page(number: number, runs: [(0, Array(bytes.prefix(4096)))]))
        }
        let memory = CapturedMemory(pages)
        let capture = captures[Int(limit)] ?? ArgumentCapture(bufferLimit: Int(limit))
        captures[Int(limit)] = capture
        var record = SyscallEntryRecord(
            vcpu: 0, abi: abi, number: number, args: args, pc: GuestAddress(0x1000), returnAddress: GuestAddress(0x1002),
            stackPointer: sp, addressSpace: AddressSpaceID(rawValue: 0x1000), threadPointer: 0)
        capture.captureEntry(&record, memory: memory)
        capture.captureExit(&record, result: Int64(bitPattern: result), memory: memory)
        var total = 0
        for c in record.captures {
            switch c.value {
            case .bytes(let b): total += b.count
            case .strings(let items, _): total += items.reduce(0) { $0 + $1.count }
            case .iovecs(let v): total += v.reduce(0) { $0 + $1.bytes.count }
            default: break
            }
        }
        precondition(total <= 64 * (Int(limit) + 512), "argument capture kept \(total) bytes with a limit of \(limit)")
        // And through the trace encoder, as the plugin would write it.
        var encoder = SyscallEventEncoder()
        _ = encoder.encode(SyscallEvent(
            seq: 1, entry: 1, vcpu: 0, abi: abi, addressSpace: record.addressSpace, stackPointer: sp, pc: record.pc,
            task: TaskIdentity(), number: number, args: args, strings: record.strings, captures: record.captures,
            result: Int64(bitPattern: result), end: .returned))
    }
}
