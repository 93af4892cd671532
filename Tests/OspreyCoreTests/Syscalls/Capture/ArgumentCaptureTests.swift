import Testing
@testable import OspreyCore

@Suite("Argument capture")
struct ArgumentCaptureTests {
    let capture = ArgumentCapture(bufferLimit: 8)

    func record(_ name: String, _ abi: SyscallABI = .x86_64, args: [UInt64], sp: UInt64 = 0x7ff0_0000) throws -> SyscallEntryRecord {
        let number = try #require(SyscallTable.linux(abi).number(of: name))
        var a = SyscallArguments()
        for (i, v) in args.enumerated() { a[i] = v }
        return SyscallEntryRecord(
            vcpu: 0, abi: abi, number: number, args: a, pc: GuestAddress(0x1000), returnAddress: GuestAddress(0x1002),
            stackPointer: sp, addressSpace: AddressSpaceID(rawValue: 0x1000), threadPointer: 0)
    }

    func le(_ v: UInt64, _ size: Int) -> [UInt8] { (0..<size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func writeKeepsTheFirstBytesAtEntry() throws {
        var memory = FakeCPU()
        memory.write(Array("hello over tcp\n".utf8), at: 0x5000)
        var r = try record("write", args: [1, 0x5000, 15])
        capture.captureEntry(&r, memory: memory)
        #expect(r.captures == [CapturedArgument(slot: 1, moment: .entry, value: .bytes(Array("hello ov".utf8)))])
    }

    @Test func readIsCapturedAtExitOnlyWhenItSucceeded() throws {
        var memory = FakeCPU()
        memory.write(Array("data\n".utf8), at: 0x6000)
        var ok = try record("read", args: [3, 0x6000, 4096])
        capture.captureEntry(&ok, memory: memory)
        #expect(ok.captures.isEmpty)
        capture.captureExit(&ok, result: 5, memory: memory)
        #expect(ok.captures == [CapturedArgument(slot: 1, moment: .exit, value: .bytes(Array("data\n".utf8)))])
        var failed = try record("read", args: [3, 0x6000, 4096])
        capture.captureExit(&failed, result: -11, memory: memory)
        #expect(failed.captures.isEmpty)
    }

    @Test func aBufferRunningIntoAnUnmappedPageKeepsTheReadablePart() throws {
        var memory = FakeCPU()
        memory.write(Array("abc".utf8), at: 0x5ffd)  // page 0x6000 is not mapped
        var r = try record("write", args: [1, 0x5ffd, 6])
        capture.captureEntry(&r, memory: memory)
        #expect(r.captures.first?.value == .bytes(Array("abc".utf8)))
        var gone = try record("write", args: [1, 0x9000, 6])
        capture.captureEntry(&gone, memory: memory)
        #expect(gone.captures.first?.value == .unreadable)
    }

    @Test func anInputPageMissingAtEntryIsReadAgainAtExit() throws {
        var memory = FakeCPU()
        var r = try record("openat", args: [UInt64(bitPattern: -100), 0x7000, 0])
        r.strings = [DecodedString(argument: 1, bytes: [], unreadable: true)]
        var w = try record("write", args: [1, 0x7000, 4])
        capture.captureEntry(&w, memory: memory)
        #expect(w.captures.first?.value == .unreadable)
        memory.write(Array("/etc/passwd".utf8) + [0], at: 0x7000)  // the kernel faulted it in
        capture.captureExit(&r, result: 3, memory: memory)
        capture.captureExit(&w, result: 4, memory: memory)
        #expect(r.strings == [DecodedString(argument: 1, bytes: Array("/etc/passwd".utf8))])
        #expect(w.captures.first?.value == .bytes(Array("/etc".utf8)))
    }

    @Test func execveArgvIsReadAndEnvpOnlyCounted() throws {
        var memory = FakeCPU()
        memory.write(Array("sh".utf8) + [0] + Array("/tmp/a-long-script-name.sh".utf8) + [0], at: 0x8000)
        memory.write(le(0x8000, 8) + le(0x8003, 8) + le(0, 8), at: 0x9000)
        memory.write(le(0x8000, 8) + le(0x8000, 8) + le(0x8000, 8) + le(0, 8), at: 0x9100)
        var r = try record("execve", args: [0x8003, 0x9000, 0x9100])
        capture.captureEntry(&r, memory: memory)
        // Strings are cut at the limit plus one byte, so a longer one shows as longer.
        #expect(r.captures == [
            CapturedArgument(slot: 1, moment: .entry, value: .strings([Array("sh".utf8), Array("/tmp/a-lo".utf8)], count: 2)),
            CapturedArgument(slot: 2, moment: .entry, value: .strings([], count: 3)),
        ])
    }

    @Test func pipeFdsAndWaitStatusAreReadAtExit() throws {
        var memory = FakeCPU()
        memory.write(le(3, 4) + le(4, 4), at: 0xa000)
        var pipe = try record("pipe2", args: [0xa000, 0])
        capture.captureExit(&pipe, result: 0, memory: memory)
        #expect(pipe.captures == [CapturedArgument(slot: 0, moment: .exit, value: .bytes(le(3, 4) + le(4, 4)))])
        memory.write(le(0x100, 4), at: 0xb000)
        var nohang = try record("wait4", args: [UInt64(bitPattern: -1), 0xb000, 1, 0])
        capture.captureExit(&nohang, result: 0, memory: memory)
        #expect(nohang.captures.isEmpty)
        var reaped = try record("wait4", args: [UInt64(bitPattern: -1), 0xb000, 0, 0])
        capture.captureExit(&reaped, result: 90, memory: memory)
        #expect(reaped.captures.first?.value == .bytes(le(0x100, 4)))
    }

    @Test func acceptReadsTheAddressTheKernelWroteAndBothLengths() throws {
        var memory = FakeCPU()
        memory.write(le(128, 4), at: 0xc100)
        var r = try record("accept", args: [3, 0xc000, 0xc100])
        capture.captureEntry(&r, memory: memory)
        let sockaddr: [UInt8] = [2, 0, 0x15, 0xb3, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 8)
        memory.write(sockaddr, at: 0xc000)
        memory.write(le(16, 4), at: 0xc100)
        capture.captureExit(&r, result: 4, memory: memory)
        #expect(r.captures == [
            CapturedArgument(slot: 2, moment: .entry, value: .bytes(le(128, 4))),
            CapturedArgument(slot: 1, moment: .exit, value: .bytes(sockaddr)),
            CapturedArgument(slot: 2, moment: .exit, value: .bytes(le(16, 4))),
        ])
    }

    @Test func getdentsCountsTheEntriesByTheirRecordLengths() throws {
        var memory = FakeCPU()
        var buffer: [UInt8] = []
        for reclen in [24, 32, 24] as [UInt64] {
            var entry = [UInt8](repeating: 0, count: Int(reclen))
            entry.replaceSubrange(16..<18, with: le(reclen, 2))
            buffer += entry
        }
        memory.write(buffer, at: 0xd000)
        var r = try record("getdents64", args: [3, 0xd000, 32768])
        capture.captureExit(&r, result: Int64(buffer.count), memory: memory)
        #expect(r.captures.first?.value == .entries(3))
    }

    @Test func rtSigreturnReadsTheMaskAndResultOfItsFrame() throws {
        var memory = FakeCPU()
        let sp: UInt64 = 0x7ff0_1000
        memory.write(le(90, 8), at: sp + 144)
        memory.write(le(1 << 16, 8), at: sp + 296)
        var x86 = try record("rt_sigreturn", args: [], sp: sp)
        capture.captureEntry(&x86, memory: memory)
        #expect(x86.captures == [CapturedArgument(slot: CapturedArgument.signalFrame, moment: .entry, value: .signalFrame(mask: 1 << 16, result: 90))])

        var arm = FakeCPU()
        arm.write(le(91, 8), at: sp + 312)
        arm.write(le(0, 8), at: sp + 168)
        var a = try record("rt_sigreturn", .aarch64, args: [], sp: sp)
        capture.captureEntry(&a, memory: arm)
        #expect(a.captures.first?.value == .signalFrame(mask: 0, result: 91))
    }

    @Test func prctlNamesAreReadOnlyForTheNameOptions() throws {
        var memory = FakeCPU()
        memory.write(Array("mkdir".utf8) + [0], at: 0xe000)
        var set = try record("prctl", args: [15, 0xe000])
        capture.captureEntry(&set, memory: memory)
        #expect(set.captures.first?.value == .bytes(Array("mkdir".utf8)))
        var other = try record("prctl", args: [1, 0xe000])
        capture.captureEntry(&other, memory: memory)
        capture.captureExit(&other, result: 0, memory: memory)
        #expect(other.captures.isEmpty)
    }

    @Test func hugeCountsFromTheGuestAreBounded() throws {
        var memory = FakeCPU()
        memory.write([UInt8](repeating: 0x41, count: 64), at: 0xf000)
        var r = try record("writev", args: [1, 0xf000, UInt64.max])
        capture.captureEntry(&r, memory: memory)
        guard case .iovecs(let v)? = r.captures.first?.value else {
            Issue.record("no iovecs: \(r.captures)")
            return
        }
        #expect(v.count <= 32)
    }
}

@Suite("Capture rules")
struct CaptureRuleTests {
    @Test func directionsComeFromTheKinds() {
        #expect(CaptureRule.rules(forCall: "write", abi: .x86_64) == [CaptureRule(1, .entry, .lengthArgument(2))])
        #expect(CaptureRule.rules(forCall: "read", abi: .aarch64) == [CaptureRule(1, .exit, .result, when: .success)])
        #expect(CaptureRule.rules(forCall: "rt_sigaction", abi: .x86_64) == [
            CaptureRule(1, .entry, .fixed(32)), CaptureRule(2, .exit, .fixed(32), when: .success),
        ])
        #expect(CaptureRule.rules(forCall: "rt_sigaction", abi: .aarch64).first == CaptureRule(1, .entry, .fixed(32)))
        #expect(CaptureRule.rules(forCall: "newfstatat", abi: .aarch64) == [CaptureRule(2, .exit, .fixed(128), when: .success)])
        #expect(CaptureRule.rules(forCall: "getpid", abi: .x86_64).isEmpty)
    }
}

/// Memory where every byte reads 0xff: endless strings, huge lengths and counts.
private struct AllOnesMemory: GuestMemory {
    func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        for i in buffer.indices { buffer[i] = 0xff }
        return true
    }
}

@Suite("Argument capture on hostile memory")
struct ArgumentCaptureHostileTests {
    /// Every call of both ABIs, all-ones arguments and memory: bounded, no trap.
    @Test func everyCallIsBoundedOnAllOnesMemory() {
        let capture = ArgumentCapture(bufferLimit: 32)
        for abi in [SyscallABI.x86_64, .aarch64] {
            let table = SyscallTable.linux(abi)
            for number in 0..<Int64(table.count) where table.name(of: number) != nil {
                var args = SyscallArguments()
                for i in 0..<SyscallArguments.count { args[i] = .max }
                var r = SyscallEntryRecord(
                    vcpu: 0, abi: abi, number: number, args: args, pc: GuestAddress(0x1000), returnAddress: GuestAddress(0x1002),
                    stackPointer: .max, addressSpace: AddressSpaceID(rawValue: 0x1000), threadPointer: 0)
                capture.captureEntry(&r, memory: AllOnesMemory())
                capture.captureExit(&r, result: .max, memory: AllOnesMemory())
                for c in r.captures {
                    switch c.value {
                    case .bytes(let b): #expect(b.count <= 390)
                    case .strings(let items, let count): #expect(items.count <= 32 && count <= 4096)
                    case .iovecs(let v): #expect(v.count <= 32 && v.allSatisfy { $0.bytes.count <= 32 })
                    default: break
                    }
                }
            }
        }
    }
}
