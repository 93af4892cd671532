/// Matches system-call exits to their entries and turns them into events.
///
/// A call is identified by its context, as in the 2015 paper: the address space and the user
/// stack pointer at the call instruction (a thread cannot have two calls in flight, and
/// threads of one process have different stacks). The hard cases:
/// - blocking calls: nothing special, their entry stays pending while other tasks run;
/// - calls that never return (`exit`, `exit_group`, `rt_sigreturn`): emitted at entry;
/// - a successful `execve`: the first call from an address space never seen before is the
///   new image's; it resolves the oldest pending `execve` (same vCPU first) as `exec`;
/// - `fork`/`vfork`/`clone`/`clone3` return twice: the parent's return matches the pending
///   entry; the child's return (result 0) matches a fork record by return address and stack
///   (`vfork` children share the parent's address space and stack until they exec or exit);
/// - interrupted and restarted calls: a new entry of the same thread at the same instruction
///   while the old one is pending ends the old one as `restarted`;
/// - signal delivery: the handler runs on another part of the stack; `rt_sigreturn` comes
///   back to the call's return address with the original stack pointer and result.
/// Every table is bounded: the oldest pending entries are ended as `unfinished` when full.
///
/// Not thread-safe: `SyscallEngine` serialises access.
public final class SyscallTracker<Sink: EventSink> {
    struct CallKey: Hashable {
        var addressSpace: AddressSpaceID
        var stackPointer: UInt64
    }

    struct PendingCall {
        var entry: SyscallEntryRecord
        var order: UInt64
        var traits: SyscallTraits
        /// Who made the call, as known at entry (the address space may change hands later).
        var caller: TaskIdentity
    }

    struct ForkRecord {
        var entry: SyscallEntryRecord
        var order: UInt64
        var parentIdentity: TaskIdentity
        var parentResult: Int64?
        var childSpace: AddressSpaceID?
        var childThreadPointer: UInt64?
        var sharesVM: Bool { entry.cloneFlags & CloneFlags.vm != 0 }
        var isThread: Bool { entry.cloneFlags & CloneFlags.thread != 0 }
        var isVfork: Bool { entry.cloneFlags & CloneFlags.vfork != 0 }
    }

    /// A parent blocked in `vfork` (or `clone(CLONE_VM|CLONE_VFORK)`) while its child borrows
    /// the address space.
    struct VforkWindow {
        var parent: PendingCall
        /// The parent's call waits here rather than in `pending` (plain vfork: same stack).
        var parkedHere: Bool
        var parentIdentity: TaskIdentity
        var childActive = true
        /// The address space the child's `execve` landed in.
        var childExecSpace: AddressSpaceID?
    }

    /// Where events go; only touched by the tracker's owner.
    public let sink: Sink
    private let limits: SyscallTrackerLimits
    /// Reads the memory the kernel wrote (output arguments) when a call returns.
    private let capture: ArgumentCapture?
    private var tables: [SyscallTable]
    private var pending: [CallKey: PendingCall] = [:]
    private var forks: [ForkRecord] = []
    private var vforks: [AddressSpaceID: VforkWindow] = [:]
    private var directory: ProcessDirectory
    /// New images whose execve is ambiguous (several in flight), waiting for a call that
    /// tells their pid; their events wait here, in order, until then.
    private var probation: [AddressSpaceID: Probation] = [:]
    /// Entry ordinal at which each address space last got a new image; an execve made
    /// before that no longer owns the address space it was made from.
    private var adoptedAt: [AddressSpaceID: UInt64] = [:]

    struct Probation {
        var firstEntry: SyscallEntryRecord
        var held: [HeldEvent] = []
    }

    struct HeldEvent {
        var entry: SyscallEntryRecord
        var result: Int64?
        var end: SyscallEnd
        var stackPointer: UInt64?
        var threadPointer: UInt64
    }

    /// Events held per ambiguous new image before it is decided by order alone.
    static var probationLimit: Int { 64 }
    private var entryCount: UInt64 = 0
    private var seq: UInt64 = 0

    public init(sink: Sink, limits: SyscallTrackerLimits = SyscallTrackerLimits(), capture: ArgumentCapture? = nil) {
        self.sink = sink
        self.limits = limits
        self.capture = capture
        self.tables = SyscallABI.allCases.map { SyscallTable.linux($0) }
        self.directory = ProcessDirectory(capacity: limits.processes)
    }

    /// Events emitted so far.
    public var emittedCount: UInt64 { seq }
    /// Calls entered and not yet ended.
    public var pendingCount: Int { pending.count + vforks.values.filter(\.parkedHere).count }

    private func table(_ abi: SyscallABI) -> SyscallTable { tables[Int(abi.rawValue)] }

    // MARK: entry

    public func enter(_ record: SyscallEntryRecord) {
        entryCount &+= 1
        var e = record
        e.ordinal = entryCount
        let traits = table(e.abi).traits(of: e.number)
        if !directory.isKnown(e.addressSpace) {
            adoptNewAddressSpace(at: e)
        } else if e.threadPointer == 0, directory.process(e.addressSpace)?.sawThreadPointer == true {
            // The kernel clears the thread pointer on exec: a known address space whose task
            // had set one now runs without: a new image in a reused page-table root.
            adoptNewAddressSpace(at: e, reused: true)
        }
        let key = CallKey(addressSpace: e.addressSpace, stackPointer: e.stackPointer)
        if let old = pending.removeValue(forKey: key) {
            let sameCall = old.entry.pc == e.pc && (old.entry.number == e.number || traits.contains(.restart))
            emit(old.entry, identity: identity(of: old.entry), result: nil, end: sameCall ? .restarted : .unfinished)
        }
        if traits.contains(.noReturn) {
            emit(e, identity: identity(of: e), result: nil, end: .noReturn)
            if traits.contains(.endsProcess) {
                processEnded(e.addressSpace)
            } else if traits.contains(.endsThread) {
                directory.threadExited(e.addressSpace, threadPointer: e.threadPointer)
            }
            return
        }
        let caller = identity(of: e)
        pending[key] = PendingCall(entry: e, order: entryCount, traits: traits, caller: caller)
        if traits.contains(.forksChild) {
            forks.append(ForkRecord(entry: e, order: entryCount, parentIdentity: caller))
            if forks.count > limits.forkRecords { forks.removeFirst(forks.count - limits.forkRecords) }
        }
        if pending.count > limits.pendingCalls { evictOldestPending() }
    }

    /// The first call from an unknown address space: an `execve` landed there, or a task we
    /// never saw start (the first process, or one that existed before tracing).
    private func adoptNewAddressSpace(at e: SyscallEntryRecord, reused: Bool = false) {
        let execs = execCandidates(for: e)
        guard !execs.isEmpty else {
            if !reused { directory.update(e.addressSpace) { _ in } }
            return
        }
        if reused {
            // The previous owner of this page-table root is gone, except that an execve it
            // made may still be in flight (its old tables are freed before it returns to
            // user mode): that one stays pending.
            endPending(in: e.addressSpace, keepingExecs: true)
            directory.remove(e.addressSpace)
        }
        adoptedAt[e.addressSpace] = entryCount
        if adoptedAt.count > limits.processes { adoptedAt.removeAll(keepingCapacity: true) }
        if execs.count > 1 {
            // Which execve landed here is told by the first call that returns a pid or tid
            // (glibc's start-up set_tid_address comes within a few calls).
            directory.update(e.addressSpace) { _ in }
            probation[e.addressSpace] = Probation(firstEntry: e)
            return
        }
        link(e.addressSpace, to: execs[0], reused: reused)
    }

    /// Pending execve calls that may have produced the image now running in `e`'s address
    /// space, best guess first: the most recent on the same vCPU (an exec that succeeds
    /// usually runs its new image right away on the CPU that made it).
    private func execCandidates(for e: SyscallEntryRecord) -> [(key: CallKey, value: PendingCall)] {
        return pending.filter { $0.value.traits.contains(.replacesImage) && $0.value.entry.addressSpace != e.addressSpace }
            .sorted { a, b in
                let aSame = a.value.entry.vcpu == e.vcpu, bSame = b.value.entry.vcpu == e.vcpu
                return aSame != bSame ? aSame : a.value.order > b.value.order
            }
            .map { (key: $0.key, value: $0.value) }
    }

    /// Resolves the pending `exec` as having landed in `space`.
    private func link(_ space: AddressSpaceID, to execCall: (key: CallKey, value: PendingCall), reused: Bool) {
        let (key, exec) = execCall
        pending.removeValue(forKey: key)
        let old = exec.entry.addressSpace
        var caller = exec.caller
        if !(reused && old == space) {
            // Learnt since the entry (a getpid answered meanwhile), if it is the same task.
            let now = identity(of: exec.entry)
            if caller.pid == nil || caller.pid == now.pid {
                caller = TaskIdentity(pid: caller.pid ?? now.pid, tid: caller.tid ?? now.tid, ppid: caller.ppid ?? now.ppid, comm: caller.comm ?? now.comm)
            }
        }
        emit(exec.entry, identity: caller, result: 0, end: .exec)
        let comm = exec.entry.strings.first.map { Self.comm(fromPath: $0.bytes) }
        if var window = vforks[old], window.childActive {
            // A vfork child exec'd: the parent gets the address space back; the child's pid
            // is known when the parent returns.
            window.childActive = false
            window.childExecSpace = space
            vforks[old] = window
            directory.update(space) { p in
                p = ProcessDirectory.Process(pid: nil, ppid: window.parentIdentity.pid, comm: comm)
            }
        } else if (adoptedAt[old] ?? 0) > exec.order {
            // The old page-table root already holds a newer image: leave it alone.
            directory.update(space) { p in
                p = ProcessDirectory.Process(pid: caller.pid, ppid: caller.ppid, comm: comm ?? caller.comm)
            }
        } else {
            endPending(in: old)
            let previous = directory.process(old)
            directory.remove(old)
            directory.update(space) { p in
                p = ProcessDirectory.Process(pid: caller.pid, ppid: previous?.ppid, comm: comm ?? previous?.comm)
            }
        }
    }

    // MARK: return

    public func exit(_ r: SyscallReturnRecord, memory: some GuestMemory) {
        if r.threadPointer != 0 { directory.sawThreadPointer(r.addressSpace) }
        let key = CallKey(addressSpace: r.addressSpace, stackPointer: r.stackPointer)
        if let call = pending[key], call.entry.returnAddress == r.pc {
            let result = call.entry.abi.signedResult(r.rawResult)
            if call.traits.contains(.forksChild), result == 0, call.entry.cloneFlags & CloneFlags.vfork != 0,
               call.entry.cloneFlags & CloneFlags.vm != 0, vforks[r.addressSpace] == nil {
                // Plain vfork: the child returns first, on the parent's stack.
                pending.removeValue(forKey: key)
                vforkChildReturned(call, at: r)
                return
            }
            pending.removeValue(forKey: key)
            learn(from: call.entry, traits: call.traits, result: result, at: r)
            var entry = call.entry
            entry.exitIcount = r.icount
            capture?.captureExit(&entry, result: result, memory: memory)
            emit(entry, identity: identity(of: r), result: result, end: .returned)
            if call.traits.contains(.forksChild) { parentReturned(call, result: result) }
            return
        }
        if let window = vforks[r.addressSpace], window.parkedHere,
           window.parent.entry.stackPointer == r.stackPointer, window.parent.entry.returnAddress == r.pc {
            let result = window.parent.entry.abi.signedResult(r.rawResult)
            vforks.removeValue(forKey: r.addressSpace)
            var entry = window.parent.entry
            entry.exitIcount = r.icount
            capture?.captureExit(&entry, result: result, memory: memory)
            emit(entry, identity: window.parentIdentity, result: result, end: .returned)
            parentReturned(window.parent, result: result, execSpace: window.childExecSpace)
            return
        }
        if r.rawResult == 0 { childReturned(at: r, memory: memory) }
    }

    private func vforkChildReturned(_ call: PendingCall, at r: SyscallReturnRecord) {
        let parentIdentity = identity(of: call.entry)
        vforks[r.addressSpace] = VforkWindow(parent: call, parkedHere: true, parentIdentity: parentIdentity)
        forks.removeAll { $0.order == call.order }
        var entry = call.entry
        entry.exitIcount = r.icount
        emit(entry, identity: TaskIdentity(ppid: parentIdentity.pid, comm: parentIdentity.comm), result: 0, end: .child)
    }

    private func childReturned(at r: SyscallReturnRecord, memory: some GuestMemory) {
        let candidates = forks.indices.filter { i in
            let rec = forks[i]
            guard rec.entry.returnAddress == r.pc, rec.childSpace == nil, rec.childThreadPointer == nil else { return false }
            if rec.sharesVM {
                return rec.entry.addressSpace == r.addressSpace && rec.entry.stackPointer != r.stackPointer
            }
            return rec.entry.addressSpace != r.addressSpace
                && (rec.entry.stackPointer == r.stackPointer || rec.entry.childStack == r.stackPointer)
        }
        guard let oldest = candidates.first else { return }
        // Several forks from the same call site and stack (a shell starting a pipeline) are
        // told apart by the tid the kernel stored for the child (CLONE_CHILD_SETTID).
        var storedTID: GuestPID?
        let first = forks[oldest]
        if first.entry.cloneFlags & CloneFlags.childSetTID != 0, first.entry.childTIDPointer != 0,
           let v = memory.readInteger(at: GuestAddress(first.entry.childTIDPointer), size: 4), Int32(truncatingIfNeeded: v) > 0 {
            storedTID = GuestPID(truncatingIfNeeded: v)
        }
        var index = oldest
        if let tid = storedTID {
            index = candidates.first { forks[$0].parentResult == Int64(tid) }
                ?? candidates.first { forks[$0].parentResult == nil } ?? oldest
        }
        var rec = forks[index]
        let childPID: GuestPID? = storedTID ?? rec.parentResult.map { GuestPID(truncatingIfNeeded: $0) }
        var childIdentity = TaskIdentity(ppid: rec.parentIdentity.pid, comm: rec.parentIdentity.comm)
        if !rec.sharesVM {
            rec.childSpace = r.addressSpace
            directory.update(r.addressSpace) { p in
                p = ProcessDirectory.Process(pid: childPID, ppid: rec.parentIdentity.pid, comm: rec.parentIdentity.comm)
            }
            childIdentity = directory.identity(space: r.addressSpace, threadPointer: r.threadPointer)
        } else if rec.isThread {
            rec.childThreadPointer = r.threadPointer
            if let tid = rec.parentIdentity.tid {
                directory.setThread(r.addressSpace, threadPointer: rec.entry.threadPointer, tid: tid)
            }
            directory.update(r.addressSpace) { $0.threadCount += 1 }
            if let childPID { directory.setThread(r.addressSpace, threadPointer: r.threadPointer, tid: childPID) }
            childIdentity = TaskIdentity(pid: rec.parentIdentity.pid, tid: childPID, ppid: rec.parentIdentity.ppid, comm: rec.parentIdentity.comm)
        } else {
            // A process sharing the parent's memory on its own stack (posix_spawn's
            // CLONE_VM|CLONE_VFORK): the parent is blocked until it execs or exits.
            rec.childThreadPointer = r.threadPointer
            if rec.isVfork, vforks[r.addressSpace] == nil,
               let parent = pending[CallKey(addressSpace: rec.entry.addressSpace, stackPointer: rec.entry.stackPointer)] {
                vforks[r.addressSpace] = VforkWindow(parent: parent, parkedHere: false, parentIdentity: rec.parentIdentity)
            }
            childIdentity.pid = childPID
            childIdentity.tid = childPID
        }
        var childEntry = rec.entry
        childEntry.exitIcount = r.icount
        emit(childEntry, identity: childIdentity, result: 0, end: .child, stackPointer: r.stackPointer, space: r.addressSpace)
        if rec.parentResult != nil {
            forks.remove(at: index)
        } else {
            forks[index] = rec
        }
    }

    private func parentReturned(_ call: PendingCall, result: Int64, execSpace: AddressSpaceID? = nil) {
        if let window = vforks[call.entry.addressSpace], !window.parkedHere, window.parent.order == call.order {
            vforks.removeValue(forKey: call.entry.addressSpace)
            if result > 0, let space = window.childExecSpace, directory.isKnown(space) {
                directory.update(space) { $0.pid = GuestPID(truncatingIfNeeded: result) }
            }
        }
        if result > 0, let space = execSpace, directory.isKnown(space) {
            directory.update(space) { $0.pid = GuestPID(truncatingIfNeeded: result) }
        }
        guard let index = forks.firstIndex(where: { $0.order == call.order }) else { return }
        guard result > 0 else {
            forks.remove(at: index)
            return
        }
        var rec = forks[index]
        rec.parentResult = result
        let pid = GuestPID(truncatingIfNeeded: result)
        if let space = rec.childSpace {
            // The child may have exited already: do not bring its address space back (the
            // root may next hold another process's new image).
            if directory.isKnown(space) { directory.update(space) { p in if p.pid == nil { p.pid = pid } } }
            forks.remove(at: index)
        } else if let tp = rec.childThreadPointer {
            if rec.isThread { directory.setThread(rec.entry.addressSpace, threadPointer: tp, tid: pid) }
            forks.remove(at: index)
        } else {
            forks[index] = rec
        }
    }

    /// Learns identities from results (the 2015 paper's way: getpid, gettid, ...).
    private func learn(from entry: SyscallEntryRecord, traits: SyscallTraits, result: Int64, at r: SyscallReturnRecord) {
        guard !traits.isEmpty, vforks[r.addressSpace]?.childActive != true else { return }
        let space = r.addressSpace
        if traits.contains(.returnsPID) || traits.contains(.returnsTID), result > 0, probation[space] != nil {
            settleProbation(space, pid: GuestPID(truncatingIfNeeded: result))
        }
        if traits.contains(.returnsPID), result > 0 {
            directory.update(space) { $0.pid = GuestPID(truncatingIfNeeded: result) }
        }
        if traits.contains(.returnsTID), result > 0 {
            let tid = GuestPID(truncatingIfNeeded: result)
            directory.setThread(space, threadPointer: r.threadPointer, tid: tid)
            // A single-threaded process's only thread has tid == pid: this also corrects a
            // wrong guess.
            directory.update(space) { p in if p.threadCount == 1 { p.pid = tid } }
        }
        if traits.contains(.returnsPPID), result >= 0 {
            directory.update(space) { $0.ppid = GuestPID(truncatingIfNeeded: result) }
        }
        // arch_prctl(ARCH_SET_FS, addr) moves the thread to a new thread pointer.
        if traits.contains(.setsThreadPointer), result == 0, entry.args[0] == 0x1002 {
            directory.moveThread(space, from: entry.threadPointer, to: entry.args[1])
        }
        // prctl(PR_SET_NAME, name) renames the task: the name was read at entry.
        if traits.contains(.setsName), result == 0, entry.args[0] & 0xFFFF_FFFF == 15,
           let name = entry.captures.first(where: { $0.slot == 1 && $0.moment == .entry }),
           case .bytes(let bytes) = name.value {
            directory.update(space) { $0.comm = GuestText(bytes: bytes.prefix { $0 != 0 }.prefix(15)) }
        }
    }

    /// Decides which execve produced the image in `space`: the one made by `pid` if known,
    /// else the best guess by order; then emits its held events.
    private func settleProbation(_ space: AddressSpaceID, pid: GuestPID?) {
        guard let p = probation.removeValue(forKey: space) else { return }
        let candidates = execCandidates(for: p.firstEntry)
        if let chosen = candidates.first(where: { pid != nil && $0.value.caller.pid == pid }) ?? candidates.first {
            link(space, to: chosen, reused: false)
        }
        if let pid { directory.update(space) { $0.pid = pid } }
        for h in p.held {
            emit(h.entry, identity: identity(space: space, threadPointer: h.threadPointer), result: h.result, end: h.end, stackPointer: h.stackPointer, space: space)
        }
    }

    // MARK: endings

    private func processEnded(_ space: AddressSpaceID) {
        if probation[space] != nil { settleProbation(space, pid: nil) }
        if var window = vforks[space], window.childActive {
            // The vfork child exited; the parent keeps the address space.
            window.childActive = false
            vforks[space] = window
            return
        }
        endPending(in: space)
        directory.remove(space)
    }

    /// Ends every call pending in `space` (its threads died with the process). An `execve`
    /// made there before the current image arrived is kept: it belongs to the root's previous
    /// owner, whose new image may not have been identified yet (under `-smp`, the freed root
    /// can go to another process's exec first).
    private func endPending(in space: AddressSpaceID, keepingExecs: Bool = false) {
        let adopted = adoptedAt[space] ?? 0
        let victims = pending.filter {
            guard $0.key.addressSpace == space else { return false }
            guard $0.value.traits.contains(.replacesImage) else { return true }
            return !keepingExecs && $0.value.order >= adopted
        }.sorted { $0.value.order < $1.value.order }
        for (key, call) in victims {
            pending.removeValue(forKey: key)
            emit(call.entry, identity: identity(of: call.entry), result: nil, end: .unfinished)
        }
    }

    private func evictOldestPending() {
        let drop = max(1, limits.pendingCalls / 8)
        let victims = pending.sorted { $0.value.order < $1.value.order }.prefix(drop)
        for (key, call) in victims {
            pending.removeValue(forKey: key)
            emit(call.entry, identity: identity(of: call.entry), result: nil, end: .unfinished)
        }
    }

    /// Ends everything still pending (at the end of a run), oldest first, and returns how
    /// many calls were still in flight.
    @discardableResult
    public func finish() -> Int {
        for space in probation.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            settleProbation(space, pid: nil)
        }
        var all = pending.map(\.value)
        all.append(contentsOf: vforks.values.filter(\.parkedHere).map(\.parent))
        all.sort { $0.order < $1.order }
        pending.removeAll()
        vforks.removeAll()
        for call in all {
            emit(call.entry, identity: identity(of: call.entry), result: nil, end: .unfinished)
        }
        return all.count
    }

    // MARK: helpers

    private func identity(of e: SyscallEntryRecord) -> TaskIdentity {
        identity(space: e.addressSpace, threadPointer: e.threadPointer)
    }

    private func identity(of r: SyscallReturnRecord) -> TaskIdentity {
        identity(space: r.addressSpace, threadPointer: r.threadPointer)
    }

    private func identity(space: AddressSpaceID, threadPointer: UInt64) -> TaskIdentity {
        if let window = vforks[space], window.childActive {
            // Only the vfork child runs here now; its pid is not known yet.
            return TaskIdentity(ppid: window.parentIdentity.pid, comm: window.parentIdentity.comm)
        }
        return directory.identity(space: space, threadPointer: threadPointer)
    }

    private func emit(
        _ e: SyscallEntryRecord, identity: TaskIdentity, result: Int64?, end: SyscallEnd,
        stackPointer: UInt64? = nil, space: AddressSpaceID? = nil
    ) {
        let where_ = space ?? e.addressSpace
        if probation[where_] != nil {
            probation[where_]!.held.append(HeldEvent(entry: e, result: result, end: end, stackPointer: stackPointer, threadPointer: e.threadPointer))
            if probation[where_]!.held.count >= Self.probationLimit {
                settleProbation(where_, pid: nil)
            }
            return
        }
        seq &+= 1
        sink.emit(SyscallEvent(
            seq: seq, entry: e.ordinal, vcpu: e.vcpu, abi: e.abi, addressSpace: space ?? e.addressSpace,
            stackPointer: stackPointer ?? e.stackPointer, pc: e.pc, task: identity, number: e.number,
            args: e.args, strings: e.strings, captures: e.captures, result: result, end: end,
            icount: e.icount, exitIcount: e.exitIcount))
    }

    /// Writes monitor events in the trace's sequence (the monitors saw them at a kernel stop).
    public func emit(_ events: [MonitorEvent]) {
        for event in events {
            seq &+= 1
            sink.emit(event, seq: seq)
        }
    }

    /// The kernel's `comm` for an executed path: its last component, at most 15 bytes.
    static func comm(fromPath path: [UInt8]) -> GuestText {
        let base = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).last.map(Array.init) ?? path
        return GuestText(bytes: base.prefix(15))
    }
}

/// Limits of the tracker's tables.
public struct SyscallTrackerLimits: Sendable {
    public var pendingCalls = 8192
    public var forkRecords = 1024
    public var processes = 32768
    public init() {}
}
