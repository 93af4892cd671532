/// A guest CPU architecture Osprey understands.
public enum Architecture: String, Sendable, CaseIterable, Codable {
    case x86_64
    case aarch64

    /// Maps QEMU's target name (`qemu_info_t.target_name`) to an architecture.
    public init?(qemuTargetName name: String) {
        switch name {
        case "x86_64": self = .x86_64
        case "aarch64": self = .aarch64
        default: return nil
        }
    }

    /// The longest system-call instruction encoding we look for, in bytes.
    public static let maxSyscallInstructionLength = 4

    /// Whether `address` is in the user half of the address space (where syscall
    /// instructions of Linux processes live).
    @inlinable public func isUserAddress(_ address: UInt64) -> Bool {
        switch self {
        case .x86_64: return address < 0x0000_8000_0000_0000
        case .aarch64: return address < 0x0001_0000_0000_0000
        }
    }

    /// Whether `value` is a plausible kernel pointer: upper half, 8-byte aligned, not the
    /// all-ones pattern of unset memory.
    @inlinable public func isKernelPointer(_ value: UInt64) -> Bool {
        !isUserAddress(value) && value & 7 == 0 && value >> 48 == 0xFFFF && value != UInt64.max & ~7
    }

    /// Masks a page-table-root register value down to the address-space identity:
    /// x86-64 CR3 loses PCID (bits 0-11) and the no-flush bit 63; AArch64 TTBR0_EL1 loses
    /// the ASID (bits 48-63) and the CnP bit 0.
    @inlinable public func addressSpace(fromRoot root: UInt64) -> AddressSpaceID {
        switch self {
        case .x86_64: return AddressSpaceID(rawValue: root & 0x000F_FFFF_FFFF_F000)
        case .aarch64: return AddressSpaceID(rawValue: root & 0x0000_FFFF_FFFF_FFFE)
        }
    }
}
