/// Memory regions of a process (`/proc/PID/maps`).
extension LinuxObjectReader {
    /// The VMA pointers of `mm` in address order, through the profile's container.
    public func regionPointers(mm: UInt64) -> [UInt64]? {
        if let root = layout.mapleRoot {
            guard let entry = memory.u64(at(mm, root)) else { return nil }
            return MapleTree.entries(root: entry, memory: memory, isKernelPointer: isKernelPointer, limit: Self.regionLimit)
        }
        if let list = layout.vmaList, let next = layout.vmNext {
            guard let first = memory.u64(at(mm, list)) else { return nil }
            return VMAList.entries(first: first, nextOffset: next, memory: memory, isKernelPointer: isKernelPointer, limit: Self.regionLimit)
        }
        return nil
    }

    /// The regions of `mm` as `/proc/PID/maps` lists them (the x86-64 `[vsyscall]` gate is
    /// not a region and is not included). `known` gives regions read before by their
    /// `vm_area_struct` address: an unchanged region keeps its name without a new path walk.
    public func regions(mm: UInt64, known: [UInt64: MemoryRegion] = [:]) -> [(vma: UInt64, region: MemoryRegion)]? {
        guard let pointers = regionPointers(mm: mm), let startOffset = layout.vmStart, let endOffset = layout.vmEnd else { return nil }
        let startBrk = u64(mm, layout.startBrk) ?? 0, brk = u64(mm, layout.brk) ?? 0
        let startStack = u64(mm, layout.startStack) ?? 0
        var out: [(UInt64, MemoryRegion)] = []
        out.reserveCapacity(pointers.count)
        for vma in pointers {
            guard let start = memory.u64(at(vma, startOffset)), let end = memory.u64(at(vma, endOffset)), end > start,
                  layout.architecture.isUserAddress(start)
            else { continue }
            let flags = u64(vma, layout.vmFlags) ?? 0
            let file = pointer(vma, layout.vmFile) ?? 0
            let pages = u64(vma, layout.vmPgoff) ?? 0
            var region = MemoryRegion(start: start, end: end, flags: flags, offset: file != 0 ? pages << 12 : 0, path: "", inode: 0, file: file)
            if let old = known[vma], old.file == file, old.start == start, old.end == end, old.flags == flags, old.offset == region.offset {
                region = old
            } else if file != 0 {
                let name = name(ofFile: file)
                region.path = name?.path ?? "?"
                region.inode = name?.inode ?? 0
            } else if start <= brk && end >= startBrk && brk != 0 {
                region.path = "[heap]"
            } else if start <= startStack && end >= startStack {
                region.path = "[stack]"
            } else if flags & MemoryRegion.dontExpand != 0 {
                region.path = flags & MemoryRegion.execute != 0 ? "[vdso]" : "[vvar]"
            }
            out.append((vma, region))
        }
        return out
    }
}
