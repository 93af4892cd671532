import CQemuPlugin
import OspreyCore

/// The registers that say whether the kernel's own state is in place in a kernel block,
/// shared by profile stops and monitor stops.
struct KernelEntryState {
    /// GS base (x86-64) or TPIDR_EL1 (AArch64).
    var perCPUBase: UInt64 = 0
    /// SP_EL0 on AArch64 (the current task in EL1); 0 on x86-64.
    var currentRegister: UInt64 = 0
    /// CR3 or TTBR0_EL1, raw.
    var pageTableRoot: UInt64 = 0

    /// Reads the state of the vCPU whose kernel block is running; nil while the entry code
    /// has not yet switched to the kernel's per-CPU base and page tables: on x86-64 GS base
    /// must hold a readable kernel address (after `swapgs`, and after the CR3 switch with
    /// KPTI); on AArch64 SP_EL0 must hold a kernel address.
    static func read(_ architecture: Architecture, _ registers: QemuRegisterReader) -> KernelEntryState? {
        var state = KernelEntryState()
        switch architecture {
        case .x86_64:
            state.perCPUBase = registers.read(.gsBase) ?? 0
            state.pageTableRoot = registers.read(.cr3) ?? 0
            var probe: UInt64 = 0
            guard !architecture.isUserAddress(state.perCPUBase), osprey_read_memory(state.perCPUBase, &probe, 8) else { return nil }
        case .aarch64:
            state.currentRegister = registers.read(.spEL0) ?? 0
            state.perCPUBase = registers.read(.tpidrEL1) ?? 0
            state.pageTableRoot = registers.read(.ttbr0) ?? 0
            guard state.currentRegister >> 48 == 0xFFFF else { return nil }
        }
        return state
    }
}
