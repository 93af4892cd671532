/// A virtual address in the guest.
public struct GuestAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt64) { self.rawValue = value }

    @inlinable public static func < (lhs: GuestAddress, rhs: GuestAddress) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The address `offset` bytes further on, wrapping like the CPU does.
    @inlinable public func advanced(by offset: UInt64) -> GuestAddress { GuestAddress(rawValue &+ offset) }

    public var description: String { Hex.string(rawValue) }
}

/// Identifies a guest address space: the page-table root the CPU uses in user mode
/// (CR3 on x86-64, TTBR0_EL1 on AArch64) with the ASID/PCID and flag bits masked off.
public struct AddressSpaceID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { Hex.string(rawValue) }
}

/// A process or thread id as the guest kernel numbers them.
public typealias GuestPID = Int32

/// Lower-case hexadecimal formatting without Foundation.
public enum Hex {
    /// `0x` followed by the lower-case hex digits of `value`.
    public static func string(_ value: UInt64) -> String {
        "0x" + String(value, radix: 16)
    }
}
