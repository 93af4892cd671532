/// Reads the kernel's objects (tasks, open files, memory regions, sockets) at one stop,
/// through a profile's offsets. Every read is bounded and returns nil (or a shorter list) on
/// unreadable memory, implausible values or loops: guest memory is untrusted.
public struct LinuxObjectReader {
    public let layout: LinuxLayout
    public let memory: StopMemory
    /// GS base on x86-64 (in the kernel); TPIDR_EL1 on AArch64.
    let perCPUBase: UInt64
    /// SP_EL0 on AArch64 while in EL1 (the current task).
    let currentRegister: UInt64

    /// Tasks walked at most on the task list, threads per group, descriptors per table,
    /// regions per process, path components per name.
    public static let taskLimit = 32768, threadLimit = 4096, fdLimit = 65536, regionLimit = 8192, pathDepth = 256

    public init(layout: LinuxLayout, memory: StopMemory, perCPUBase: UInt64, currentRegister: UInt64) {
        self.layout = layout
        self.memory = memory
        self.perCPUBase = perCPUBase
        self.currentRegister = currentRegister
    }

    // MARK: pointers

    /// A plausible kernel pointer: upper half, 8-byte aligned.
    @inline(__always) func isKernelPointer(_ value: UInt64) -> Bool { layout.architecture.isKernelPointer(value) }

    @inline(__always) func at(_ base: UInt64, _ offset: Int) -> UInt64 { base &+ UInt64(bitPattern: Int64(offset)) }

    /// The kernel pointer stored at `base + offset`, nil if unreadable, not a pointer, or the
    /// offset is unknown.
    func pointer(_ base: UInt64, _ offset: Int?) -> UInt64? {
        guard let offset, let value = memory.u64(at(base, offset)), isKernelPointer(value) else { return nil }
        return value
    }

    func u32(_ base: UInt64, _ offset: Int?) -> UInt32? { offset.flatMap { memory.u32(at(base, $0)) } }
    func u64(_ base: UInt64, _ offset: Int?) -> UInt64? { offset.flatMap { memory.u64(at(base, $0)) } }

    // MARK: tasks

    /// The task running on this vCPU.
    public func currentTask() -> UInt64? {
        switch layout.currentTask {
        case .perCPU(_, let offset):
            return pointer(perCPUBase, offset)
        case .register:
            return isKernelPointer(currentRegister) ? currentRegister : nil
        }
    }

    /// Every process on the task list (thread-group leaders), starting at `start`. Empty
    /// when the list is broken (a pointer into nowhere, or no way back within the bound).
    public func taskList(from start: UInt64) -> [UInt64] {
        walkList(from: start, link: layout.tasks, limit: Self.taskLimit)
    }

    /// The threads of the group `leader` leads, the leader first.
    public func threads(of leader: UInt64) -> [UInt64] {
        guard let link = layout.threadGroup else { return [leader] }
        let list = walkList(from: leader, link: link, limit: Self.threadLimit)
        return list.isEmpty ? [leader] : list
    }

    func walkList(from start: UInt64, link: Int, limit: Int) -> [UInt64] {
        KernelList.elements(from: start, link: link, limit: limit) { pointer($0, 0) }
    }

    /// The fields of the task at `address`; nil if its ids or name cannot be read.
    public func task(at address: UInt64) -> KernelTask? {
        guard isKernelPointer(address), let tid = u32(address, layout.pid), let pid = u32(address, layout.tgid),
              let nameBytes = memory.bytes(at: at(address, layout.comm), count: 16)
        else { return nil }
        let name = nameBytes.prefix { $0 != 0 }
        var ppid: GuestPID = 0
        if let parent = pointer(address, layout.realParent), parent != address, let p = u32(parent, layout.tgid) {
            ppid = GuestPID(truncatingIfNeeded: p)
        }
        var uid: UInt32?
        if let cred = pointer(address, layout.realCred) { uid = u32(cred, layout.credUID) }
        let mm = layout.mm.flatMap { memory.u64(at(address, $0)) } ?? 0
        return KernelTask(
            address: address, tid: GuestPID(truncatingIfNeeded: tid), pid: GuestPID(truncatingIfNeeded: pid), ppid: ppid,
            comm: GuestText(bytes: name), state: u32(address, layout.state) ?? 0,
            exitState: u32(address, layout.exitState) ?? 0, exitCode: u32(address, layout.exitCode) ?? 0, uid: uid,
            mm: isKernelPointer(mm) ? mm : 0)
    }

    // MARK: command line and executable

    /// The argument strings between `mm->arg_start` and `arg_end`, read through the current
    /// page tables: only meaningful when `mm` is the current task's (or a copy of it).
    public func commandLine(mm: UInt64, limit: Int = 4096) -> [GuestText]? {
        guard let start = u64(mm, layout.argStart), let end = u64(mm, layout.argEnd), end >= start,
              layout.architecture.isUserAddress(end)
        else { return nil }
        let count = Int(min(end - start, UInt64(limit)))
        guard count > 0 else { return [] }
        guard let bytes = memory.bytes(at: start, count: count) else { return nil }
        var parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map { GuestText(bytes: $0) }
        if bytes.last == 0 { parts.removeLast() }
        return parts
    }

    /// The path of the executable (`mm->exe_file`).
    public func executable(mm: UInt64) -> GuestText? {
        guard let file = pointer(mm, layout.exeFile) else { return nil }
        return name(ofFile: file)?.path
    }
}
