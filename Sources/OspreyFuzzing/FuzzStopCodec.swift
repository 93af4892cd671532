import OspreyCore

/// A compact binary form of a captured kernel stop (``CapturedStop``) for fuzzing: the call,
/// the registers and the captured memory, so a fuzzer's mutations land on values and guest
/// bytes rather than on JSON syntax. Decoding takes any bytes and never traps; a short input
/// decodes to fewer pages or to nothing.
public enum FuzzStopCodec {
    /// Call names by index (the x86-64 table's, then a few aarch64 spellings are the same).
    static let names: [String] = {
        let table = SyscallTable.linux(.x86_64)
        return (0..<Int64(table.count)).compactMap { table.name(of: $0) }
    }()

    public static func encode(_ captured: CapturedStop, into out: inout FuzzOutput) {
        let s = captured.stop
        out.writeU8(UInt8(truncatingIfNeeded: s.vcpu))
        out.writeU64(s.context.addressSpace)
        out.writeU64(s.context.threadPointer)
        encode(s.call, into: &out)
        if let previous = s.previous {
            out.writeU8(1)
            encode(previous, into: &out)
        } else {
            out.writeU8(0)
        }
        for v in [s.perCPUBase, s.currentRegister, s.pageTableRoot, s.kernelPC] { out.writeU64(v) }
        let pages = captured.pages.prefix(Int(UInt16.max))
        out.writeU16(UInt16(pages.count))
        for page in pages {
            out.writeU64(page.number)
            guard let runs = page.runs else {
                out.writeU8(0xFF)
                continue
            }
            let kept = runs.prefix(254)
            out.writeU8(UInt8(kept.count))
            for run in kept {
                out.writeU16(UInt16(truncatingIfNeeded: run.offset))
                out.writeBlob(run.bytes)
            }
        }
    }

    static func encode(_ call: ObservedCall, into out: inout FuzzOutput) {
        out.writeU16(UInt16(names.firstIndex(of: call.name) ?? 0xFFFF))
        for i in 0..<SyscallArguments.count { out.writeU64(call.args[i]) }
        if let result = call.result {
            out.writeU8(1)
            out.writeU64(UInt64(bitPattern: result))
        } else {
            out.writeU8(0)
        }
        out.writeU8(call.path == nil ? 0 : 1)
        out.writeBlob(call.path ?? [])
        out.writeU8(UInt8(min(call.argv.count, 32)))
        for item in call.argv.prefix(32) { out.writeBlob(item) }
        out.writeBlob(call.socketAddress)
        out.writeBlob(call.statBuffer)
        for v in [call.cloneFlags, call.childThreadPointer, call.stackPointer, call.returnAddress] { out.writeU64(v) }
    }

    /// One stop from the front of `input`, or nil when too little is left for its header.
    public static func decode(_ input: inout FuzzInput) -> CapturedStop? {
        guard let vcpu = input.readU8(), let space = input.readU64(), let tp = input.readU64(),
              let call = decodeCall(&input), let hasPrevious = input.readU8()
        else { return nil }
        let previous = hasPrevious & 1 == 1 ? decodeCall(&input) : nil
        guard let perCPU = input.readU64(), let current = input.readU64(), let root = input.readU64(), let pc = input.readU64()
        else { return nil }
        var pages: [MemoryCapture.Page] = []
        let count = Int(input.readU16() ?? 0)
        for _ in 0..<count {
            guard let number = input.readU64(), let runCount = input.readU8() else { break }
            if runCount == 0xFF {
                pages.append(MemoryCapture.Page(number: number, runs: nil))
                continue
            }
            var runs: [(offset: Int, bytes: [UInt8])] = []
            for _ in 0..<runCount {
                guard let offset = input.readU16(), let bytes = input.readBlob() else { break }
                runs.append((Int(offset & 0xFFF), bytes))
            }
            pages.append(MemoryCapture.Page(number: number, runs: runs))
        }
        let stop = KernelStop(
            vcpu: Int(vcpu & 7), context: UserContext(addressSpace: space, threadPointer: tp), call: call, previous: previous,
            perCPUBase: perCPU, currentRegister: current, pageTableRoot: root, kernelPC: pc)
        return CapturedStop(stop: stop, pages: pages)
    }

    static func decodeCall(_ input: inout FuzzInput) -> ObservedCall? {
        guard let nameIndex = input.readU16() else { return nil }
        var args = SyscallArguments()
        for i in 0..<SyscallArguments.count {
            guard let v = input.readU64() else { return nil }
            args[i] = v
        }
        let name = Int(nameIndex) < names.count ? names[Int(nameIndex)] : "syscall_\(nameIndex)"
        var call = ObservedCall(name: name, args: args)
        guard let hasResult = input.readU8() else { return nil }
        if hasResult & 1 == 1 { call.result = input.readU64().map { Int64(bitPattern: $0) } }
        let hasPath = input.readU8() ?? 0
        let path = input.readBlob() ?? []
        if hasPath & 1 == 1 { call.path = path }
        let argc = Int(input.readU8() ?? 0) & 63
        for _ in 0..<argc {
            guard let item = input.readBlob() else { break }
            call.argv.append(item)
        }
        call.socketAddress = input.readBlob() ?? []
        call.statBuffer = input.readBlob() ?? []
        call.cloneFlags = input.readU64() ?? 0
        call.childThreadPointer = input.readU64() ?? 0
        call.stackPointer = input.readU64() ?? 0
        call.returnAddress = input.readU64() ?? 0
        return call
    }
}
