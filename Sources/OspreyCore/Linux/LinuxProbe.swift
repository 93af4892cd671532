/// Reading Linux kernel objects through the offsets found so far. Every reader returns nil on
/// unreadable memory or implausible values: guest memory is untrusted.
/// What the Linux tests cache per stop (the tag of a ``ProbeCacheKey``).
enum LinuxProbeObject: UInt8 {
    case currentTask, taskList, zombie, mapleTree, vmaList

    /// The key of this object found at `address` (through an offset `offset`).
    func key(at address: UInt64, _ offset: Int = 0) -> ProbeCacheKey {
        ProbeCacheKey(tag: rawValue, Int64(bitPattern: address), Int64(offset))
    }
}

extension Probe where Facts == LinuxFacts {
    typealias F = LinuxField

    /// A per-stop cache key for `object` read through the offsets of up to three fields: a
    /// parent being tried with several candidates must not see what another candidate read.
    func cacheKey(_ object: LinuxProbeObject, _ a: String, _ b: String? = nil, _ c: String? = nil) -> ProbeCacheKey {
        ProbeCacheKey(tag: object.rawValue, offsets: offsets[a], b.flatMap { offsets[$0] }, c.flatMap { offsets[$0] })
    }

    /// The task running the call, through the current-task location (found or being tried).
    public var currentTask: UInt64? {
        guard let location = offsets[F.currentTask] else { return nil }
        let key = cacheKey(.currentTask, F.currentTask)
        if let cached = scratch[key] { return cached == 0 ? nil : cached }
        let task = currentTask(at: location)
        scratch[key] = task ?? 0
        return task
    }

    /// The current task as given by a candidate location.
    public func currentTask(at location: Int) -> UInt64? {
        if location == F.registerSPEL0 {
            return isKernelPointer(stop.currentRegister) ? stop.currentRegister : nil
        }
        return pointer(at: at(stop.perCPUBase, location))
    }

    public func u32(_ base: UInt64, _ key: String) -> UInt32? { memory.u32(at(base, offset(key))) }
    public func u64(_ base: UInt64, _ key: String) -> UInt64? { memory.u64(at(base, offset(key))) }
    public func pointer(_ base: UInt64, _ key: String) -> UInt64? { pointer(at: at(base, offset(key))) }

    /// The name of a dentry (d_name.name), at most 255 bytes.
    public func dentryName(_ dentry: UInt64) -> [UInt8]? {
        guard let name = pointer(at: at(dentry, offset(F.dName) + offset(F.qstrName))) else { return nil }
        return memory.cString(at: name, limit: 256)
    }

    /// The `struct file *` of descriptor `fd` of the current task.
    public func file(fd: Int) -> UInt64? {
        guard fd >= 0, fd < 1 << 20, let task = currentTask, let files = pointer(task, F.files),
              let table = pointer(files, F.fdt), let array = pointer(table, F.fdArray)
        else { return nil }
        return pointer(at: array &+ UInt64(fd) * 8)
    }

    /// The dentry of an open file (f_path.dentry).
    public func dentry(ofFile file: UInt64) -> UInt64? {
        pointer(at: at(file, offset(F.fPath) + offset(F.pathDentry)))
    }

    /// Every task on the task list, starting at the current task (bounded).
    public func allTasks() -> [UInt64] {
        let key = cacheKey(.taskList, F.currentTask, F.tasks)
        if let cached = lists[key] { return cached }
        let tasks = walkTasks()
        lists[key] = tasks
        return tasks
    }

    private func walkTasks() -> [UInt64] {
        guard let task = currentTask else { return [] }
        return KernelList.elements(from: task, link: offset(F.tasks), limit: 4096) { pointer(at: $0) }
    }

    /// The task with pid `pid` on the task list.
    public func task(pid: Int) -> UInt64? {
        allTasks().first { u32($0, F.pid).map(Int.init) == pid }
    }

    /// The memory descriptor of the current task.
    public var currentMM: UInt64? {
        guard let task = currentTask else { return nil }
        return pointer(task, F.mm)
    }

    /// The VMA pointers of an mm, through the container found (maple tree or list).
    public func vmas(of mm: UInt64) -> [UInt64] {
        if let tree = offsets[F.mmMT], let root = offsets[F.maRoot], let entry = memory.u64(at(mm, tree + root)) {
            return MapleTree.entries(root: entry, memory: memory, isKernelPointer: isKernelPointer)
        }
        if let list = offsets[F.mmap], let next = offsets[F.vmNext] {
            return VMAList.entries(first: memory.u64(at(mm, list)) ?? 0, nextOffset: next, memory: memory, isKernelPointer: isKernelPointer)
        }
        return []
    }

    /// The VMA that starts at `start` in the current mm.
    public func vma(startingAt start: UInt64) -> UInt64? {
        guard let mm = currentMM else { return nil }
        return vmas(of: mm).first { u64($0, F.vmStart) == start }
    }

    /// Physical address of the page-table root from the stop (CR3 / TTBR0 without flag bits).
    public var pageTableRootPhysical: UInt64 {
        architecture == .x86_64 ? stop.pageTableRoot & 0x000F_FFFF_FFFF_F000 : stop.pageTableRoot & 0x0000_FFFF_FFFF_F000
    }

    /// Whether the byte string is a plausible task name (printable, 1-15 bytes).
    public static func isPrintableName(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.count <= 15 && bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
