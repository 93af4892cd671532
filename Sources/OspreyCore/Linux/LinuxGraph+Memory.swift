/// Tests that find `mm_struct` and `vm_area_struct` fields.
extension LinuxProfileGraph {
    static let mmRange = CandidateSpace<LinuxFacts>.range(0, 0x400, step: 8)

    /// After a successful mmap: (address, length, prot, flags, fd, offset).
    static func mapped(_ p: Probe<LinuxFacts>) -> (address: UInt64, length: UInt64, prot: UInt64, flags: UInt64, fd: Int, offset: UInt64)? {
        guard let previous = p.stop.previous, previous.name == "mmap", let address = previous.success,
              p.architecture.isUserAddress(address), address & 0xFFF == 0, previous.args[1] > 0
        else { return nil }
        let a = previous.args
        return (address, (a[1] + 0xFFF) & ~0xFFF, a[2], a[3], Int(Int32(truncatingIfNeeded: a[4])), a[5])
    }

    /// The first call of a program started by execve, with argv known.
    static func freshImage(_ p: Probe<LinuxFacts>) -> LinuxFacts.Image? {
        guard p.facts.freshExec != nil else { return nil }
        let image = p.facts.image(p.stop)
        return image.argv.isEmpty ? nil : image
    }

    /// `sizeof(spinlock_t)` rounded up to 8, from `files_struct`: `count` and
    /// `resize_in_progress` (8 bytes), then `resize_wait` (a spinlock and a list head), then
    /// `fdt`. 8 normally, 32 with PREEMPT_RT.
    static func spinlockSize(_ p: Probe<LinuxFacts>) -> Int { p.offset(F.fdt) - 8 - 16 }

    static func mmValue(_ p: Probe<LinuxFacts>, _ offset: Int) -> UInt64? {
        guard let mm = p.currentMM else { return nil }
        return p.memory.u64(p.at(mm, offset))
    }

    static var memoryTests: [Test] {
        [
            Test("mm", at: "any call of a user process (pgd maps to the page-table root)",
                 fields: [Field(F.mm, taskPointerRange, sharesByValue: true), Field(F.pgd, .range(0, 0x100, step: 8))],
                 needs: [F.currentTask], tieBreak: .lowest(afterStops: 3),
                 applies: { $0.currentTask != nil },
                 step: { p, level, o, values in
                     if level == 0 {
                         guard let task = p.currentTask, let mm = p.pointer(at: p.at(task, o[0])) else { return .fail }
                         values[0] = mm
                         return .descend
                     }
                     guard let pgd = p.pointer(at: p.at(values[0], o[1])), pgd & 0xFFF == 0 else { return .fail }
                     // The direct map is placed at a 1 GiB-aligned address, so virtual - physical is too.
                     let delta = pgd &- p.pageTableRootPhysical
                     return delta & 0x3FFF_FFFF == 0 && p.isKernelPointer(delta) ? .descend : .fail
                 }),
            Test("active_mm", at: "any call of a user process",
                 fields: [Field(F.activeMM, taskPointerRange)], needs: [F.currentTask, F.mm],
                 tieBreak: .lowest(afterStops: 3),
                 applies: { $0.currentMM != nil },
                 step: { p, _, o, _ in
                     guard o[0] != p.offset(F.mm), let task = p.currentTask, let mm = p.currentMM else { return .fail }
                     return p.memory.u64(p.at(task, o[0])) == mm ? .descend : .fail
                 }),
            Test("brk", at: "a call after brk",
                 fields: [Field(F.brk, mmRange)], needs: [F.currentTask, F.mm],
                 applies: { p in p.stop.previous?.name == "brk" && (p.stop.previous?.result ?? 0) > 0 },
                 step: { p, _, o, _ in
                     mmValue(p, o[0]).map { Int64(bitPattern: $0) } == p.stop.previous?.result ? .descend : .fail
                 }),
            Test("start_brk", at: "a call after brk moved the break",
                 fields: [Field(F.startBrk, mmRange)], needs: [F.currentTask, F.mm, F.brk],
                 applies: { p in
                     let image = p.facts.image(p.stop)
                     return image.firstBrk != nil && image.lastBrk != image.firstBrk
                 },
                 step: { p, _, o, _ in
                     o[0] != p.offset(F.brk) && mmValue(p, o[0]) == p.facts.image(p.stop).firstBrk ? .descend : .fail
                 }),
            Test("arg_start", at: "the first call of a program started by execve",
                 fields: [Field(F.argStart, mmRange)], needs: [F.currentTask, F.mm],
                 applies: { freshImage($0) != nil },
                 step: { p, _, o, _ in
                     guard let image = freshImage(p), let start = mmValue(p, o[0]), p.architecture.isUserAddress(start), start != 0,
                           let first = p.memory.cString(at: start, limit: 512)
                     else { return .fail }
                     return first == image.argv[0] ? .descend : .fail
                 }),
            Test("arg_end", at: "the first call of a program started by execve",
                 fields: [Field(F.argEnd, mmRange)], needs: [F.currentTask, F.mm, F.argStart], tieBreak: .lowest(afterStops: 3),
                 applies: { freshImage($0) != nil },
                 step: { p, _, o, _ in
                     guard let image = freshImage(p), let start = mmValue(p, p.offset(F.argStart)) else { return .fail }
                     let length = image.argv.reduce(0) { $0 + UInt64($1.count) + 1 }
                     return mmValue(p, o[0]) == start + length ? .descend : .fail
                 }),
            Test("env_start", at: "the first call of a program started by execve",
                 fields: [Field(F.envStart, mmRange)], needs: [F.currentTask, F.mm, F.argEnd],
                 applies: { freshImage($0) != nil },
                 step: { p, _, o, _ in
                     o[0] != p.offset(F.argEnd) && mmValue(p, o[0]) != nil && mmValue(p, o[0]) == mmValue(p, p.offset(F.argEnd)) ? .descend : .fail
                 }),
            Test("env_end", at: "the first call of a program started by execve",
                 fields: [Field(F.envEnd, mmRange)], needs: [F.currentTask, F.mm, F.envStart], tieBreak: .lowest(afterStops: 3),
                 applies: { freshImage($0) != nil },
                 step: { p, _, o, _ in
                     guard let start = mmValue(p, p.offset(F.envStart)), let end = mmValue(p, o[0]), end > start, end - start <= 65536,
                           let bytes = p.memory.bytes(at: start, count: Int(end - start)), bytes.last == 0
                     else { return .fail }
                     let strings = bytes.dropLast().split(separator: 0, omittingEmptySubsequences: false)
                     return strings.allSatisfy { $0.contains(UInt8(ascii: "=")) } ? .descend : .fail
                 }),
            Test("start_stack", at: "the first call of a program started by execve",
                 fields: [Field(F.startStack, mmRange)], needs: [F.currentTask, F.mm, F.argStart],
                 applies: { freshImage($0) != nil },
                 step: { p, _, o, _ in
                     guard let image = freshImage(p), let stack = mmValue(p, o[0]), p.architecture.isUserAddress(stack), stack != 0,
                           p.memory.u64(stack) == UInt64(image.argv.count), p.memory.u64(stack &+ 8) == mmValue(p, p.offset(F.argStart))
                     else { return .fail }
                     return .descend
                 }),
            Test("exe_file", at: "the first call of a program started by execve (not through a symlink)",
                 fields: [Field(F.exeFile, .range(0, 0x800, step: 8))], needs: [F.currentTask, F.mm, F.fPath, F.pathDentry, F.dName, F.qstrName],
                 applies: { $0.facts.freshExec != nil && $0.currentMM != nil },
                 step: { p, _, o, _ in
                     guard let path = p.facts.freshExec, let mm = p.currentMM, let file = p.pointer(at: p.at(mm, o[0])),
                           let dentry = p.dentry(ofFile: file)
                     else { return .fail }
                     return p.dentryName(dentry) == LinuxFacts.basename(path) ? .descend : .fail
                 }),
            Test("vma-tree", at: "a call after mmap (maple tree kernels)",
                 fields: [Field(F.mmMT, .range(0, 0x100, step: 8)), Field(F.maRoot, .range(0, 0x40, step: 8), sharesByValue: true),
                          Field(F.vmStart, .range(0, 0x40, step: 8))],
                 needs: [F.currentTask, F.mm, F.fdt], tieBreak: .lowest(afterStops: 3),
                 applies: { mapped($0) != nil && $0.currentMM != nil },
                 step: { p, level, o, values in
                     guard let (address, _, _, _, _, _) = mapped(p), let mm = p.currentMM else { return .inapplicable }
                     switch level {
                     case 0: return .descend
                     case 1:
                         guard MapleTree.rootOffset(rootInMM: o[0] + o[1], mm: mm, memory: p.memory,
                                                    spinlockSize: spinlockSize(p)) == o[1],
                               let root = p.memory.u64(p.at(mm, o[0] + o[1])), MapleTree.isNode(root) else { return .fail }
                         values[1] = root
                         let key = LinuxProbeObject.mapleTree.key(at: root)
                         if p.lists[key] == nil { p.lists[key] = MapleTree.entries(root: root, memory: p.memory, isKernelPointer: p.isKernelPointer) }
                         return p.lists[key]!.isEmpty ? .fail : .descend
                     default:
                         let vmas = p.lists[LinuxProbeObject.mapleTree.key(at: values[1])] ?? []
                         return vmas.contains { p.memory.u64(p.at($0, o[2])) == address } ? .descend : .fail
                     }
                 }),
            Test("vma-list", at: "a call after mmap (VMA list kernels)",
                 fields: [Field(F.mmap, .range(0, 0x100, step: 8), sharesByValue: true), Field(F.vmNext, .range(0, 0x40, step: 8)),
                          Field(F.vmStart, .range(0, 0x40, step: 8))],
                 needs: [F.currentTask, F.mm],
                 applies: { mapped($0) != nil && $0.currentMM != nil },
                 step: { p, level, o, values in
                     guard let (address, _, _, _, _, _) = mapped(p), let mm = p.currentMM else { return .inapplicable }
                     switch level {
                     case 0:
                         guard let first = p.pointer(at: p.at(mm, o[0])) else { return .fail }
                         values[0] = first
                         return .descend
                     case 1:
                         let key = LinuxProbeObject.vmaList.key(at: values[0], o[1])
                         if p.lists[key] == nil {
                             p.lists[key] = VMAList.entries(first: values[0], nextOffset: o[1], memory: p.memory, isKernelPointer: p.isKernelPointer)
                         }
                         return (p.lists[key]?.count ?? 0) >= 2 ? .descend : .fail
                     default:
                         let vmas = p.lists[LinuxProbeObject.vmaList.key(at: values[0], o[1])] ?? []
                         return o[2] != o[1] && vmas.contains { p.memory.u64(p.at($0, o[2])) == address } ? .descend : .fail
                     }
                 }),
            Test("vm_end", at: "a call after mmap",
                 fields: [Field(F.vmEnd, .range(0, 0x40, step: 8))], needs: [F.currentTask, F.mm, F.vmStart],
                 applies: { mapped($0) != nil },
                 step: { p, _, o, _ in
                     guard let m = mapped(p), o[0] != p.offset(F.vmStart), let vma = p.vma(startingAt: m.address) else { return .fail }
                     return p.memory.u64(p.at(vma, o[0])) == m.address + m.length ? .descend : .fail
                 }),
            Test("vm_flags", at: "a call after mmap",
                 fields: [Field(F.vmFlags, .range(0, 0x80, step: 8))], needs: [F.currentTask, F.mm, F.vmStart],
                 applies: { mapped($0) != nil },
                 step: { p, _, o, _ in
                     guard let m = mapped(p), let vma = p.vma(startingAt: m.address), let v = p.memory.u64(p.at(vma, o[0])) else { return .fail }
                     // VM_READ/WRITE/EXEC equal PROT_READ/WRITE/EXEC; VM_SHARED (8) follows MAP_SHARED.
                     let expected = (m.prot & 7) | (m.flags & 0xF == 1 ? 8 : 0)
                     return v & 0xF == expected && v & 0x10 == (m.prot & 1 == 0 ? v & 0x10 : 0x10) /* VM_MAYREAD */ ? .descend : .fail
                 }),
            Test("vm_file", at: "a call after mmap of a file",
                 fields: [Field(F.vmFile, .range(0, 0xC0, step: 8))], needs: [F.currentTask, F.mm, F.vmStart, F.files, F.fdt, F.fdArray],
                 applies: { p in mapped(p).map { $0.fd >= 0 && $0.flags & 0x20 == 0 } ?? false },
                 step: { p, _, o, _ in
                     guard let m = mapped(p), let vma = p.vma(startingAt: m.address), let file = p.file(fd: m.fd) else { return .fail }
                     return p.memory.u64(p.at(vma, o[0])) == file ? .descend : .fail
                 }),
            Test("vm_pgoff", at: "a call after mmap",
                 fields: [Field(F.vmPgoff, .range(0, 0xC0, step: 8))], needs: [F.currentTask, F.mm, F.vmStart, F.vmEnd],
                 applies: { mapped($0) != nil },
                 step: { p, _, o, _ in
                     guard let m = mapped(p), o[0] != p.offset(F.vmStart), o[0] != p.offset(F.vmEnd),
                           let vma = p.vma(startingAt: m.address)
                     else { return .fail }
                     let anonymous = m.flags & 0x20 != 0
                     return p.memory.u64(p.at(vma, o[0])) == (anonymous ? m.address >> 12 : m.offset >> 12) ? .descend : .fail
                 }),
        ]
    }
}
