/// A machine instruction that enters the kernel for a system call.
public enum SyscallInstruction: UInt8, Sendable {
    /// x86-64 `syscall` (0F 05).
    case x86Syscall
    /// x86 `sysenter` (0F 34); 32-bit processes through the vDSO.
    case x86Sysenter
    /// x86 `int 0x80` (CD 80); the i386 ABI, also from 64-bit code.
    case x86Int80
    /// AArch64 `svc #0` (D4000001).
    case aarch64Svc

    /// Recognises a system-call instruction from its encoding (`bytes` holds at least the
    /// instruction; extra bytes are ignored).
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, architecture: Architecture) -> SyscallInstruction? {
        var it = bytes.makeIterator()
        switch architecture {
        case .x86_64:
            guard let b0 = it.next(), let b1 = it.next() else { return nil }
            switch (b0, b1) {
            case (0x0F, 0x05): return .x86Syscall
            case (0x0F, 0x34): return .x86Sysenter
            case (0xCD, 0x80): return .x86Int80
            default: return nil
            }
        case .aarch64:
            guard let b0 = it.next(), let b1 = it.next(), let b2 = it.next(), let b3 = it.next() else { return nil }
            return (b0, b1, b2, b3) == (0x01, 0x00, 0x00, 0xD4) ? .aarch64Svc : nil
        }
    }

    /// Encoded length in bytes.
    public var length: UInt64 {
        switch self {
        case .x86Syscall, .x86Sysenter, .x86Int80: return 2
        case .aarch64Svc: return 4
        }
    }

    /// Where user code resumes when the call returns normally, for an instruction at
    /// `address`. `following` is the encoding right after the instruction, when known:
    /// Linux returns from `sysenter` past the `int 0x80` that the vDSO places after it.
    public func returnAddress(at address: GuestAddress, following: (UInt8, UInt8)? = nil) -> GuestAddress {
        if self == .x86Sysenter, let f = following, f == (0xCD, 0x80) {
            return address.advanced(by: 4)
        }
        return address.advanced(by: length)
    }
}
