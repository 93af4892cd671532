/// A Linux system-call convention: which table numbers the calls and which registers carry
/// the number, the arguments and the result.
public enum SyscallABI: UInt8, Sendable, CaseIterable {
    /// 64-bit x86: number in rax; rdi, rsi, rdx, r10, r8, r9; result in rax.
    case x86_64
    /// 32-bit x86 (`int 0x80`, `sysenter`, or `syscall` from 32-bit code): number in eax;
    /// ebx, ecx, edx, esi, edi, ebp; result in eax.
    case i386
    /// AArch64: number in x8; x0-x5; result in x0.
    case aarch64

    /// The name used in traces.
    public var name: String {
        switch self {
        case .x86_64: "x86_64"
        case .i386: "i386"
        case .aarch64: "aarch64"
        }
    }

    public init?(name: String) {
        guard let abi = SyscallABI.allCases.first(where: { $0.name == name }) else { return nil }
        self = abi
    }

    /// The ABI of a call made with `instruction`. `codeSegment` is x86's CS selector when
    /// known: Linux runs 32-bit user code with selector 0x23, 64-bit with 0x33.
    public static func of(_ instruction: SyscallInstruction, codeSegment: UInt64?) -> SyscallABI {
        switch instruction {
        case .x86Int80, .x86Sysenter: return .i386
        case .x86Syscall: return codeSegment == 0x23 ? .i386 : .x86_64
        case .aarch64Svc: return .aarch64
        }
    }

    /// The register that carries the call number.
    public var numberRegister: ArchRegister {
        switch self {
        case .x86_64, .i386: .rax
        case .aarch64: .x8
        }
    }

    /// The registers that carry the six arguments, in order.
    public var argumentRegisters: [ArchRegister] {
        switch self {
        case .x86_64: [.rdi, .rsi, .rdx, .r10, .r8, .r9]
        case .i386: [.rbx, .rcx, .rdx, .rsi, .rdi, .rbp]
        case .aarch64: [.x0, .x1, .x2, .x3, .x4, .x5]
        }
    }

    /// The register that carries the result on return.
    public var resultRegister: ArchRegister {
        switch self {
        case .x86_64, .i386: .rax
        case .aarch64: .x0
        }
    }

    /// Interprets the raw result register as the kernel's signed return value.
    @inlinable public func signedResult(_ raw: UInt64) -> Int64 {
        switch self {
        case .i386: return Int64(Int32(truncatingIfNeeded: raw))
        case .x86_64, .aarch64: return Int64(bitPattern: raw)
        }
    }

    /// The raw argument values, narrowed to the ABI's register width.
    @inlinable public func narrow(_ raw: UInt64) -> UInt64 {
        self == .i386 ? raw & 0xFFFF_FFFF : raw
    }
}

extension Architecture {
    /// The register holding the user stack pointer at a user-mode instruction.
    public var stackPointerRegister: ArchRegister { self == .x86_64 ? .rsp : .sp }
    /// The register holding the user page-table root.
    public var pageTableRootRegister: ArchRegister { self == .x86_64 ? .cr3 : .ttbr0 }
    /// The register holding the user thread pointer (TLS base), distinct per thread.
    public var threadPointerRegister: ArchRegister { self == .x86_64 ? .fsBase : .tpidrEL0 }
    /// The program counter (see ``SharedTranslation`` for what it holds at a callback).
    public var programCounterRegister: ArchRegister { self == .x86_64 ? .rip : .pc }
}
