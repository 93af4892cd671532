#if canImport(Glibc)
import Glibc
#endif
import CQemuPlugin
import OspreyCore
import Synchronization

/// The OS object monitors inside QEMU (mode=trace with a profile): decides, per call, whether
/// it can change kernel objects; if so, takes a kernel stop on the same vCPU right after the
/// call returns (the first kernel block that runs with the kernel's state in place, before
/// any other task can run there) and lets ``ObjectMonitor`` re-read what the call touched.
final class MonitorSession: @unchecked Sendable {
    // @unchecked: the per-vCPU arrays are touched only by their own vCPU thread; everything
    // shared is behind a Mutex or atomic.
    let architecture: Architecture
    let layout: LinuxLayout
    private let vcpus: [VCPURegisters]
    /// Where events go, in the trace's sequence.
    private let engine: SyscallEngine<TraceFileWriter>
    /// The clock that stamps events.
    private let instructions: InstructionCounter
    private let monitor: Mutex<MonitorBox>
    /// Calls of interest entered and not yet returned, by thread.
    private let calls = Mutex<[UserContext: Entered]>([:])
    private let callCount = Atomic<Int>(0)
    /// Address spaces seen making calls (a new one is a new process or a new image).
    private let spaces = Mutex<Set<UInt64>>([])
    /// Per vCPU: the reasons for the pending stop, the last address space seen, kernel
    /// blocks waited so far.
    private var reasons: [[MonitorReason]]
    private var lastSpace: [UInt64]
    private var waited: [Int]
    /// Per ABI, per call number: which monitors care.
    private let interest: [[MonitorInterest]]
    /// Which monitors are on.
    let enabled: MonitorInterest
    /// `exit_state`'s offset when its stores are watched (plugin option `watch=on`).
    let watchedExitState: Int?
    /// Per-vCPU flag read inline by the conditional callback of every kernel block.
    let pending: qemu_plugin_u64
    private static let spaceLimit = 1 << 16, callLimit = 8192

    struct Entered {
        var abi: SyscallABI
        var name: String
        var args: SyscallArguments
        var returnAddress: UInt64
        var stackPointer: UInt64
    }

    /// ObjectMonitor is a class used only under the Mutex.
    struct MonitorBox: @unchecked Sendable {
        let monitor: ObjectMonitor
        var stops = 0
    }

    init(architecture: Architecture, profile: KernelProfile, layout: LinuxLayout, enabled: MonitorInterest, watch: Bool,
         vcpus: [VCPURegisters], engine: SyscallEngine<TraceFileWriter>, instructions: InstructionCounter) {
        self.instructions = instructions
        self.architecture = architecture
        self.watchedExitState = watch ? profile.offsets[LinuxField.exitState] : nil
        self.layout = layout
        self.enabled = enabled
        self.vcpus = vcpus
        self.engine = engine
        let monitor = ObjectMonitor()
        monitor.log = { Plugin.log($0) }
        monitor.reads = enabled
        self.monitor = Mutex(MonitorBox(monitor: monitor))
        reasons = Array(repeating: [], count: vcpus.count)
        lastSpace = Array(repeating: 0, count: vcpus.count)
        waited = Array(repeating: 0, count: vcpus.count)
        interest = SyscallABI.allCases.map { abi in
            let table = SyscallTable.linux(abi)
            return (0..<1024).map { n in table.name(of: Int64(n)).map(MonitorInterest.of) ?? [] }
        }
        pending = qemu_plugin_u64(score: qemu_plugin_scoreboard_new(8), offset: 0)
        let missing = LinuxLayout.missingFields(in: profile)
        if !missing.isEmpty {
            Plugin.log("osprey monitors: the profile lacks \(missing.joined(separator: ", ")); what needs them is left out")
        }
    }

    private func interest(_ abi: SyscallABI, _ number: Int64) -> MonitorInterest {
        guard number >= 0, number < 1024 else { return [] }
        return interest[Int(abi.rawValue)][Int(number)]
    }

    /// A system-call instruction in user mode.
    func userEntry(vcpu: Int, record: SyscallEntryRecord) {
        guard vcpu < reasons.count else { return }
        let space = record.addressSpace.rawValue
        if space != lastSpace[vcpu] {
            lastSpace[vcpu] = space
            let isNew = spaces.withLock { set in
                if set.count >= Self.spaceLimit { set.removeAll(keepingCapacity: true) }
                return set.insert(space).inserted
            }
            if isNew { arm(vcpu, .newAddressSpace) }
        }
        let wanted = interest(record.abi, record.number)
        guard !wanted.isEmpty else { return }
        let name = SyscallTable.linux(record.abi).name(of: record.number) ?? "?"
        if wanted.contains(.exits) {
            arm(vcpu, .exiting(thread: name == "exit", code: Int(truncatingIfNeeded: record.args[0])))
            return
        }
        guard !wanted.intersection(enabled).isEmpty || !wanted.intersection([.processes, .names, .identity]).isEmpty else { return }
        let context = UserContext(addressSpace: space, threadPointer: record.threadPointer)
        let entered = Entered(abi: record.abi, name: name, args: record.args, returnAddress: record.returnAddress.rawValue, stackPointer: record.stackPointer)
        calls.withLock { table in
            if table.count >= Self.callLimit { table.removeAll(keepingCapacity: true) }
            table[context] = entered
            callCount.store(table.count, ordering: .relaxed)
        }
    }

    /// The first instruction back in user mode after a call.
    func userReturn(vcpu: Int, record: SyscallReturnRecord) {
        guard vcpu < reasons.count, callCount.load(ordering: .relaxed) > 0 else { return }
        let context = UserContext(addressSpace: record.addressSpace.rawValue, threadPointer: record.threadPointer)
        let entered: Entered? = calls.withLock { table in
            guard let e = table[context], e.returnAddress == record.pc.rawValue, e.stackPointer == record.stackPointer else { return nil }
            table[context] = nil
            callCount.store(table.count, ordering: .relaxed)
            return e
        }
        guard let entered else { return }
        let result = entered.abi == .i386 ? Int64(Int32(truncatingIfNeeded: record.rawResult)) : Int64(bitPattern: record.rawResult)
        var call = MonitoredCall(name: entered.name, args: entered.args, result: result)
        if entered.name == "wait4", result > 0, entered.args[1] != 0 {
            call.waitStatus = QemuGuestMemory().readInteger(at: GuestAddress(entered.args[1]), size: 4).map { UInt32(truncatingIfNeeded: $0) }
        }
        arm(vcpu, .returned(call))
    }

    private func arm(_ vcpu: Int, _ reason: MonitorReason) {
        if reasons[vcpu].count < 16 { reasons[vcpu].append(reason) }
        waited[vcpu] = 0
        qemu_plugin_u64_set(pending, UInt32(vcpu), 1)
    }

    /// Instruments, in a kernel block being translated, the stores that may write a task's
    /// `exit_state` (``FieldStoreSite``); nothing else in the block.
    func instrumentStores(_ tb: OpaquePointer, callback: qemu_plugin_vcpu_mem_cb_t) {
        guard let offset = watchedExitState else { return }
        var bytes: (UInt64, UInt64) = (0, 0)
        for i in 0..<qemu_plugin_tb_n_insns(tb) {
            guard let insn = qemu_plugin_tb_get_insn(tb, i) else { continue }
            let copied = withUnsafeMutableBytes(of: &bytes) { qemu_plugin_insn_data(insn, $0.baseAddress, 16) }
            let matches = withUnsafeBytes(of: &bytes) { raw in
                FieldStoreSite.matches(UnsafeRawBufferPointer(rebasing: raw[0..<min(copied, 16)]), offset: offset, architecture: architecture)
            }
            if matches {
                qemu_plugin_register_vcpu_mem_cb(insn, callback, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_MEM_W, nil)
            }
        }
    }

    /// A watched store wrote at `address`: when it is a task's `exit_state` becoming
    /// EXIT_ZOMBIE or EXIT_DEAD, the task has just died on this vCPU.
    func storeWatched(vcpu: Int, address: UInt64) {
        guard let offset = watchedExitState, vcpu < vcpus.count else { return }
        var value: UInt32 = 0
        guard osprey_read_memory(address, &value, 4), value == 0x10 || value == 0x20 || value == 0x30 else { return }
        guard let state = KernelEntryState.read(architecture, QemuRegisterReader(registers: vcpus[vcpu])) else { return }
        let reader = LinuxObjectReader(
            layout: layout, memory: StopMemory(QemuGuestMemory(), pageLimit: 64), perCPUBase: state.perCPUBase,
            currentRegister: state.currentRegister)
        let task = address &- UInt64(offset)
        monitor.withLock { box in
            engine.emit(box.monitor.taskDied(reader, address: task, vcpu: vcpu), icount: instructions.total)
        }
    }

    /// A kernel block ran while a stop was pending on this vCPU.
    func kernelBlock(vcpu: Int, pc: UInt64) {
        guard vcpu < reasons.count, !reasons[vcpu].isEmpty else {
            qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
            return
        }
        guard let state = KernelEntryState.read(architecture, QemuRegisterReader(registers: vcpus[vcpu])) else {
            waited[vcpu] += 1
            if waited[vcpu] > 64 {
                reasons[vcpu].removeAll(keepingCapacity: true)
                qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
            }
            return
        }
        let now = reasons[vcpu]
        reasons[vcpu].removeAll(keepingCapacity: true)
        qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
        let memory = StopMemory(QemuGuestMemory(), pageLimit: 4096)
        let reader = LinuxObjectReader(layout: layout, memory: memory, perCPUBase: state.perCPUBase, currentRegister: state.currentRegister)
        // The monitor's lock, then the engine's: events of one stop stay together and in order.
        monitor.withLock { box in
            box.stops += 1
            let events = box.monitor.stop(reader, vcpu: vcpu, reasons: now)
            engine.emit(events, icount: instructions.total)
        }
    }
}
