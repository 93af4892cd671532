/// Walks a Linux maple tree (the VMA container of Linux 6.1+) as stored in guest memory.
///
/// Encoding (lib/maple_tree.c): nodes are 256-byte aligned and an entry that points to one
/// carries flags in its low byte: the root pointer has bit 1 set ((entry & 3) == 2), a child
/// pointer has bit 2 set ((entry & 7) == 4); stored entries (VMAs) are 8-byte aligned pointers. The node address is the entry with its
/// low 8 bits cleared and the node type is (entry >> 3) & 0xF: 1 leaf (maple_leaf_64),
/// 2 internal range node (maple_range_64), 3 internal allocation node (maple_arange_64).
/// A 64-bit range node is 256 bytes: parent, 15 pivots, 16 slots; an allocation node:
/// parent, 9 pivots, 10 slots, 10 gaps, metadata.
public enum MapleTree {
    public static let rangeSlots = 16, arangeSlots = 10

    /// The non-null leaf entries (for an mm: VMA pointers) in tree order. Bounded and
    /// tolerant: a garbage tree gives an empty or short list, never a trap.
    public static func entries(root: UInt64, memory: StopMemory, isKernelPointer: (UInt64) -> Bool, limit: Int = 8192) -> [UInt64] {
        var out: [UInt64] = []
        var visited = 0
        func walk(_ entry: UInt64, depth: Int) -> Bool {
            guard depth < 10, out.count < limit else { return false }
            guard depth == 0 ? isNode(entry) : isChild(entry) else {
                if isKernelPointer(entry) { out.append(entry) }
                return true
            }
            visited += 1
            guard visited < 512 else { return false }
            let node = entry & ~0xFF
            let type = (entry >> 3) & 0xF
            let slots: Int, slotBase: UInt64
            switch type {
            case 1, 2:
                slots = rangeSlots
                slotBase = node + 8 + 8 * UInt64(rangeSlots - 1)
            case 3:
                slots = arangeSlots
                slotBase = node + 8 + 8 * UInt64(arangeSlots - 1)
            default:
                return false
            }
            guard isKernelPointer(node) else { return false }
            for i in 0..<slots {
                guard let slot = memory.u64(slotBase + 8 * UInt64(i)) else { return false }
                if slot == 0 { continue }
                if type == 1 {
                    if isKernelPointer(slot) { out.append(slot) }
                } else if !walk(slot, depth: depth + 1) {
                    return false
                }
            }
            return true
        }
        guard walk(root, depth: 0) else { return [] }
        return out
    }

    /// Where `ma_root` sits inside `struct maple_tree`, given where it sits in the mm
    /// (`rootInMM`, the sum of `mm_mt` and `ma_root`, which is all a walk needs).
    ///
    /// The tree is `{ spinlock_t ma_lock; [unsigned int ma_flags;] void *ma_root; [ma_flags] }`:
    /// `ma_flags` came after the root until 6.6 and before it since. The mm's tree has flags
    /// `MT_FLAGS_ALLOC_RANGE | MT_FLAGS_LOCK_EXTERN` (0x301, maybe `USE_RCU` 0x2, and the height
    /// in bits 2-6), which tells where they are; the lock (`spinlockSize` rounded to 8) comes
    /// first, and the struct is 8-aligned, so flags at 4 mod 8 follow a 4-byte lock.
    /// nil when no flags word is found next to the root.
    public static func rootOffset(rootInMM: Int, mm: UInt64, memory: StopMemory, spinlockSize: Int) -> Int? {
        func isTreeFlags(_ offset: Int) -> Bool {
            guard offset >= 0, let v = memory.u32(mm &+ UInt64(offset)) else { return false }
            return v & 0x301 == 0x301 && v & ~0x37F == 0
        }
        guard spinlockSize > 0, spinlockSize % 8 == 0 else { return nil }
        // Flags before the root: right before it, or before 4 bytes of padding.
        if let flags = [rootInMM - 4, rootInMM - 8].first(where: isTreeFlags) {
            let lock = flags % 8 == 4 ? spinlockSize - 4 : spinlockSize
            return rootInMM - (flags - lock)
        }
        if isTreeFlags(rootInMM + 8) { return spinlockSize }
        return nil
    }

    /// A root entry that points to a node.
    static func isNode(_ entry: UInt64) -> Bool { entry & 3 == 2 && entry > 4096 }
    /// A slot of an internal node that points to a child node.
    static func isChild(_ entry: UInt64) -> Bool { entry & 7 == 4 && entry > 4096 }
}

/// Walks the VMA list of kernels before 6.1 (`mm_struct.mmap`, `vm_area_struct.vm_next`).
public enum VMAList {
    public static func entries(first: UInt64, nextOffset: Int, memory: StopMemory, isKernelPointer: (UInt64) -> Bool, limit: Int = 8192) -> [UInt64] {
        var out: [UInt64] = []
        var node = first
        while node != 0, out.count < limit {
            guard isKernelPointer(node) else { return [] }
            out.append(node)
            guard let next = memory.u64(node &+ UInt64(nextOffset)) else { return [] }
            node = next
        }
        return out.count >= limit ? [] : out
    }
}
