/// The guest registers Osprey reads, by the names QEMU's register API uses.
public enum ArchRegister: Int, CaseIterable, Sendable {
    // x86-64
    case rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, cr3, fsBase, cs, gsBase, rip
    // AArch64
    case x0, x1, x2, x3, x4, x5, x8, sp, ttbr0, tpidrEL0, spEL0, tpidrEL1, pc

    /// The name under which `qemu_plugin_get_registers()` lists this register.
    public var qemuName: String {
        switch self {
        case .rax: "rax"
        case .rbx: "rbx"
        case .rcx: "rcx"
        case .rdx: "rdx"
        case .rsi: "rsi"
        case .rdi: "rdi"
        case .rbp: "rbp"
        case .rsp: "rsp"
        case .r8: "r8"
        case .r9: "r9"
        case .r10: "r10"
        case .cr3: "cr3"
        case .fsBase: "fs_base"
        case .cs: "cs"
        case .gsBase: "gs_base"
        case .rip: "rip"
        case .pc: "pc"
        case .x0: "x0"
        case .x1: "x1"
        case .x2: "x2"
        case .x3: "x3"
        case .x4: "x4"
        case .x5: "x5"
        case .x8: "x8"
        case .sp: "sp"
        case .ttbr0: "TTBR0_EL1"
        case .tpidrEL0: "TPIDR_EL0"
        case .spEL0: "SP_EL0"
        case .tpidrEL1: "TPIDR_EL1"
        }
    }

    /// The registers the profiler reads in kernel mode: the per-CPU base (GS base,
    /// TPIDR_EL1), SP_EL0 (AArch64's current task in EL1) and the page-table root.
    public static func kernelStop(for architecture: Architecture) -> [ArchRegister] {
        switch architecture {
        case .x86_64: [.gsBase, .cr3]
        case .aarch64: [.tpidrEL1, .spEL0, .ttbr0]
        }
    }

    /// The registers an architecture needs for system-call tracing.
    public static func needed(by architecture: Architecture) -> [ArchRegister] {
        switch architecture {
        case .x86_64: [.rax, .rbx, .rcx, .rdx, .rsi, .rdi, .rbp, .rsp, .r8, .r9, .r10, .cr3, .fsBase, .cs, .rip]
        case .aarch64: [.x0, .x1, .x2, .x3, .x4, .x5, .x8, .sp, .ttbr0, .tpidrEL0, .pc]
        }
    }
}

/// Reads registers of the vCPU that is stopped at an instrumented instruction.
public protocol RegisterReader {
    /// The register's value (zero-extended), or nil if it cannot be read.
    func read(_ register: ArchRegister) -> UInt64?
}
