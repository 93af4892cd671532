/// Reads the guest memory behind a call's arguments: what the caller passed at entry, what
/// the kernel wrote at exit (``CaptureRule``). Runs on the vCPU thread that made or finishes
/// the call, so the memory is seen through that task's page tables.
///
/// Guest memory is untrusted: every count and length read from it is bounded, and a page
/// that cannot be read gives ``CapturedValue/unreadable`` instead of stopping the trace.
public struct ArgumentCapture: Sendable {
    /// Bytes kept of each buffer (strace shows 32 by default).
    public let bufferLimit: Int
    private let plans: [[[CaptureRule]]]

    /// Elements read of arrays (argv strings, iovecs, pollfds).
    static let arrayLimit = 32
    /// Pointers walked to count an argv or envp.
    static let countLimit = 4096
    /// Largest socket address read.
    static let sockaddrLimit = 128
    /// Largest getdents buffer walked.
    static let direntLimit = 1 << 16

    public init(bufferLimit: Int = 32) {
        self.bufferLimit = max(0, bufferLimit)
        self.plans = SyscallABI.allCases.map { abi in
            let table = SyscallTable.linux(abi)
            return (0..<table.count).map { n in
                table.name(of: Int64(n)).map { CaptureRule.rules(forCall: $0, abi: abi) } ?? []
            }
        }
    }

    /// The rules for call `number` of `abi`.
    @inline(__always) public func rules(abi: SyscallABI, number: Int64) -> [CaptureRule] {
        let plan = plans[Int(abi.rawValue)]
        guard number >= 0, number < Int64(plan.count) else { return [] }
        return plan[Int(number)]
    }

    /// Reads the entry arguments of `record` into `record.captures`.
    public func captureEntry(_ record: inout SyscallEntryRecord, memory: some GuestMemory) {
        let rules = rules(abi: record.abi, number: record.number)
        guard !rules.isEmpty else { return }
        for rule in rules where rule.moment == .entry {
            if let value = read(rule, record, result: 0, memory: memory) {
                record.captures.append(CapturedArgument(slot: rule.slot, moment: .entry, value: value))
            }
        }
    }

    /// Reads the exit arguments of `record`, which returned `result`. Input memory that was
    /// not paged in at entry (a path in a program's data the kernel faulted in during the
    /// call) is read again now.
    public func captureExit(_ record: inout SyscallEntryRecord, result: Int64, memory: some GuestMemory) {
        for i in record.strings.indices where record.strings[i].unreadable {
            let argument = record.strings[i].argument
            let address = argument < SyscallArguments.count ? record.args[argument] : 0
            let again = DecodedString.read(argument: argument, at: address, memory: memory, limit: 4096)
            if !again.unreadable { record.strings[i] = again }
        }
        let rules = rules(abi: record.abi, number: record.number)
        guard !rules.isEmpty else { return }
        for i in record.captures.indices where record.captures[i].value == .unreadable && record.captures[i].moment == .entry {
            if let rule = rules.first(where: { $0.moment == .entry && $0.slot == record.captures[i].slot }),
               let value = read(rule, record, result: 0, memory: memory) {
                record.captures[i].value = value
            }
        }
        for rule in rules where rule.moment == .exit {
            switch rule.condition {
            case .always: break
            case .success: guard result >= 0 else { continue }
            case .positive: guard result > 0 else { continue }
            }
            if let value = read(rule, record, result: result, memory: memory) {
                record.captures.append(CapturedArgument(slot: rule.slot, moment: .exit, value: value))
            }
        }
    }

    private func read(_ rule: CaptureRule, _ r: SyscallEntryRecord, result: Int64, memory: some GuestMemory) -> CapturedValue? {
        if case .signalFrame = rule.step { return signalFrame(r, memory: memory) }
        guard rule.slot < SyscallArguments.count else { return nil }
        let address = GuestAddress(r.args[rule.slot])
        guard address.rawValue != 0 else { return nil }
        let args = r.args
        switch rule.step {
        case .fixed(let size):
            return bytes(memory, at: address, count: size)
        case .lengthArgument(let n):
            return bytes(memory, at: address, count: Int(min(args[n], UInt64(bufferLimit))))
        case .result:
            return bytes(memory, at: address, count: Int(min(UInt64(max(result, 0)), UInt64(bufferLimit))))
        case .sockaddrIn(let n):
            return bytes(memory, at: address, count: Int(min(args[n], UInt64(Self.sockaddrLimit))))
        case .sockaddrOut(let p):
            guard args[p] != 0, let length = memory.readInteger(at: GuestAddress(args[p]), size: 4) else { return .unreadable }
            return bytes(memory, at: address, count: Int(min(UInt64(UInt32(truncatingIfNeeded: length)), UInt64(Self.sockaddrLimit))))
        case .int32:
            return bytes(memory, at: address, count: 4)
        case .strings(let countOnly):
            return strings(memory, at: address, countOnly: countOnly)
        case .iovec(let n, let output):
            return iovecs(memory, at: address, count: args[n], filled: output ? UInt64(max(result, 0)) : nil)
        case .pollfds(let n):
            return bytes(memory, at: address, count: Int(min(args[n], UInt64(Self.arrayLimit))) * 8)
        case .dirents:
            return dirents(memory, at: address, length: result)
        case .sigset(let n):
            return bytes(memory, at: address, count: Int(min(args[n], 8)))
        case .prctlName:
            // PR_SET_NAME (15) passes the name at entry; PR_GET_NAME (16) gets it at exit.
            guard args[0] & 0xFFFF_FFFF == (rule.moment == .entry ? 15 : 16) else { return nil }
            guard let (name, _) = memory.readCString(at: address, limit: 16) else { return .unreadable }
            return .bytes(name)
        case .ioctlTermios:
            // TCGETS (same number on x86-64 and AArch64): struct termios is 36 bytes.
            return args[1] == 0x5401 ? bytes(memory, at: address, count: 36) : nil
        case .signalFrame:
            return nil
        }
    }

    /// Up to `count` bytes at `address`; the readable prefix when a later page is unmapped.
    func bytes(_ memory: some GuestMemory, at address: GuestAddress, count: Int) -> CapturedValue {
        guard count > 0 else { return .bytes([]) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let cursor = address.rawValue &+ UInt64(done)
            let chunk = min(count - done, Int(4096 - (cursor & 4095)))
            let ok = out.withUnsafeMutableBytes { raw in
                memory.read(at: GuestAddress(cursor), into: UnsafeMutableRawBufferPointer(rebasing: raw[done..<(done + chunk)]))
            }
            if !ok { break }
            done += chunk
        }
        if done == 0 { return .unreadable }
        if done < count { out.removeLast(count - done) }
        return .bytes(out)
    }

    private func strings(_ memory: some GuestMemory, at address: GuestAddress, countOnly: Bool) -> CapturedValue {
        var items: [[UInt8]] = []
        var count = 0
        while count < Self.countLimit {
            guard let pointer = memory.readInteger(at: address.advanced(by: UInt64(count) * 8), size: 8) else {
                return count == 0 ? .unreadable : .strings(items, count: count)
            }
            if pointer == 0 { break }
            if !countOnly, items.count < Self.arrayLimit {
                items.append(memory.readCString(at: GuestAddress(pointer), limit: bufferLimit + 1)?.bytes ?? [])
            }
            count += 1
        }
        return .strings(items, count: count)
    }

    private func iovecs(_ memory: some GuestMemory, at address: GuestAddress, count: UInt64, filled: UInt64?) -> CapturedValue {
        var out: [CapturedIOVec] = []
        var remaining = filled ?? UInt64.max
        for i in 0..<Int(min(count, UInt64(Self.arrayLimit))) {
            let element = address.advanced(by: UInt64(i) * 16)
            guard let base = memory.readInteger(at: element, size: 8),
                  let length = memory.readInteger(at: element.advanced(by: 8), size: 8)
            else { return out.isEmpty ? .unreadable : .iovecs(out) }
            let used = min(length, remaining)
            remaining -= used
            var data: [UInt8] = []
            if base != 0, case .bytes(let b) = bytes(memory, at: GuestAddress(base), count: Int(min(used, UInt64(bufferLimit)))) {
                data = b
            }
            out.append(CapturedIOVec(base: base, length: length, bytes: data))
        }
        return .iovecs(out)
    }

    private func dirents(_ memory: some GuestMemory, at address: GuestAddress, length: Int64) -> CapturedValue {
        let total = Int(min(max(length, 0), Int64(Self.direntLimit)))
        guard case .bytes(let buffer) = bytes(memory, at: address, count: total) else { return .unreadable }
        // Both linux_dirent and linux_dirent64 keep d_reclen (u16) at offset 16.
        var offset = 0, entries = 0
        while offset + 18 <= buffer.count {
            let reclen = Int(buffer[offset + 16]) | Int(buffer[offset + 17]) << 8
            guard reclen > 0 else { break }
            entries += 1
            offset += reclen
        }
        return .entries(entries)
    }

    /// The frame `rt_sigreturn` restores, at the user stack pointer of the call:
    /// x86-64 `struct rt_sigframe` minus its popped return address, i.e. `struct ucontext`
    /// (`uc_mcontext` at 40, its `rax` at 40 + 104, `uc_sigmask` at 296); AArch64
    /// `struct rt_sigframe` = `siginfo` (128) then `ucontext` (`uc_sigmask` at 40,
    /// `uc_mcontext` 16-aligned at 176, its `regs[0]` at 176 + 8).
    private func signalFrame(_ r: SyscallEntryRecord, memory: some GuestMemory) -> CapturedValue? {
        let sp = GuestAddress(r.stackPointer)
        let maskOffset: UInt64, resultOffset: UInt64
        switch r.abi {
        case .x86_64: (maskOffset, resultOffset) = (296, 144)
        case .aarch64: (maskOffset, resultOffset) = (128 + 40, 128 + 176 + 8)
        case .i386: return nil
        }
        guard let mask = memory.readInteger(at: sp.advanced(by: maskOffset), size: 8),
              let result = memory.readInteger(at: sp.advanced(by: resultOffset), size: 8)
        else { return .unreadable }
        return .signalFrame(mask: mask, result: result)
    }
}
