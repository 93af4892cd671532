import Testing
@testable import OspreyCore

/// Registers and memory of a pretend vCPU.
struct FakeCPU: RegisterReader, GuestMemory {
    var registers: [ArchRegister: UInt64] = [:]
    /// Readable pages (4 KiB each) by page number.
    var pages: [UInt64: [UInt8]] = [:]

    func read(_ register: ArchRegister) -> UInt64? { registers[register] }

    func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        for i in 0..<buffer.count {
            let a = address.rawValue + UInt64(i)
            guard let page = pages[a >> 12] else { return false }
            buffer[i] = page[Int(a & 0xFFF)]
        }
        return true
    }

    mutating func write(_ bytes: [UInt8], at address: UInt64) {
        for (i, b) in bytes.enumerated() {
            let a = address + UInt64(i)
            pages[a >> 12, default: [UInt8](repeating: 0, count: 4096)][Int(a & 0xFFF)] = b
        }
    }
}

@Suite("Syscall decoder")
struct SyscallDecoderTests {
    func x86(_ nr: UInt64, _ args: [UInt64]) -> FakeCPU {
        var cpu = FakeCPU()
        cpu.registers = [.rax: nr, .rsp: 0x7ffc_0000, .cr3: 0x1234_5007, .fsBase: 0x7f00, .cs: 0x33]
        for (r, v) in zip(SyscallABI.x86_64.argumentRegisters, args) { cpu.registers[r] = v }
        return cpu
    }

    @Test func x86_64OpenatReadsThePath() throws {
        var cpu = x86(257, [UInt64(bitPattern: -100), 0x5000_0ff0, 0x241, 0o644])
        cpu.write(Array("/tmp/osprey/a.txt".utf8) + [0], at: 0x5000_0ff0)  // crosses a page
        let d = SyscallDecoder(architecture: .x86_64)
        let e = try #require(d.decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 1,
            registers: cpu, memory: cpu))
        #expect(e.abi == .x86_64)
        #expect(e.number == 257)
        #expect(e.args[2] == 0x241)
        #expect(e.addressSpace.rawValue == 0x1234_5000)  // PCID bits masked
        #expect(e.strings == [DecodedString(argument: 1, bytes: Array("/tmp/osprey/a.txt".utf8))])
    }

    @Test func unreadablePathIsMarkedNotGuessed() throws {
        let cpu = x86(2, [0xdead_0000])
        let e = try #require(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(e.strings.first?.unreadable == true)
    }

    @Test func pathEndingAtAnUnmappedPageIsTruncated() throws {
        var cpu = x86(2, [0x6000_0ffc])
        cpu.write(Array("/abc".utf8), at: 0x6000_0ffc)  // no NUL before the page ends
        let e = try #require(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(e.strings.first?.bytes == Array("/abc".utf8))
        #expect(e.strings.first?.truncated == true)
    }

    @Test func int80UsesTheI386Convention() throws {
        var cpu = FakeCPU()
        cpu.registers = [.rax: 5, .rbx: 0x8000_0000, .rcx: 0, .rsp: 0xffff_d000, .cr3: 0x2000]
        cpu.write(Array("/etc/passwd".utf8) + [0], at: 0x8000_0000)
        let e = try #require(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Int80, pc: GuestAddress(0x8048000), returnAddress: GuestAddress(0x8048002), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(e.abi == .i386)
        #expect(SyscallTable.linux(.i386).name(of: e.number) == "open")
        #expect(e.strings.first?.bytes == Array("/etc/passwd".utf8))
    }

    @Test func syscallFrom32BitCodeIsI386() throws {
        var cpu = x86(1, [])
        cpu.registers[.cs] = 0x23
        let e = try #require(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(e.abi == .i386)
    }

    @Test func aarch64CloneFlagsAndStack() throws {
        var cpu = FakeCPU()
        cpu.registers = [.x8: 220, .x0: 0x3d0f00, .x1: 0xffff_8000, .sp: 0xffff_f000, .ttbr0: 0x0042_0000_4567_8000, .tpidrEL0: 0x1]
        let e = try #require(SyscallDecoder(architecture: .aarch64).decodeEntry(
            instruction: .aarch64Svc, pc: GuestAddress(0x40_0000), returnAddress: GuestAddress(0x40_0004), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(SyscallTable.linux(.aarch64).name(of: e.number) == "clone")
        #expect(e.cloneFlags == 0x3d0f00)
        #expect(e.childStack == 0xffff_8000)
        #expect(e.addressSpace.rawValue == 0x4567_8000)  // ASID masked
    }

    @Test func clone3FlagsComeFromGuestMemory() throws {
        var cpu = x86(435, [0x7000_0000, 88])
        var args = [UInt8](repeating: 0, count: 88)
        withUnsafeBytes(of: UInt64(0x10000 | 0x100).littleEndian) { args.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: UInt64(0x9000).littleEndian) { args.replaceSubrange(40..<48, with: $0) }
        withUnsafeBytes(of: UInt64(0x1000).littleEndian) { args.replaceSubrange(48..<56, with: $0) }
        cpu.write(args, at: 0x7000_0000)
        let e = try #require(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 0,
            registers: cpu, memory: cpu))
        #expect(e.cloneFlags == 0x10100)
        #expect(e.childStack == 0xa000)
    }

    @Test func missingRegisterDropsTheEntry() {
        var cpu = x86(0, [])
        cpu.registers[.cr3] = nil
        #expect(SyscallDecoder(architecture: .x86_64).decodeEntry(
            instruction: .x86Syscall, pc: GuestAddress(0x401000), returnAddress: GuestAddress(0x401002), vcpu: 0,
            registers: cpu, memory: cpu) == nil)
    }
}

@Suite("System-call instructions")
struct SyscallInstructionTests {
    @Test func recognisesEncodings() {
        #expect(SyscallInstruction.decode([0x0F, 0x05], architecture: .x86_64) == .x86Syscall)
        #expect(SyscallInstruction.decode([0x0F, 0x34], architecture: .x86_64) == .x86Sysenter)
        #expect(SyscallInstruction.decode([0xCD, 0x80], architecture: .x86_64) == .x86Int80)
        #expect(SyscallInstruction.decode([0xCD, 0x03], architecture: .x86_64) == nil)
        #expect(SyscallInstruction.decode([0x01, 0x00, 0x00, 0xD4], architecture: .aarch64) == .aarch64Svc)
        #expect(SyscallInstruction.decode([0x21, 0x00, 0x00, 0xD4], architecture: .aarch64) == nil)  // svc #1
        #expect(SyscallInstruction.decode([0x0F], architecture: .x86_64) == nil)
    }

    @Test func sysenterReturnsPastTheVdsoInt80() {
        let a = GuestAddress(0xf7f0_0000)
        #expect(SyscallInstruction.x86Sysenter.returnAddress(at: a, following: (0xCD, 0x80)) == a.advanced(by: 4))
        #expect(SyscallInstruction.x86Syscall.returnAddress(at: a) == a.advanced(by: 2))
        #expect(SyscallInstruction.aarch64Svc.returnAddress(at: a) == a.advanced(by: 4))
    }
}
