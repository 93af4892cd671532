import CQemuPlugin
import OspreyCore
import Synchronization

/// Decides at translation time which instructions get a callback: system-call instructions
/// (entry) and the first instruction of blocks where such calls return (exit). Everything
/// else runs uninstrumented.
final class SyscallSites: Sendable {
    let architecture: Architecture
    /// Return addresses of every system-call instruction translated so far (user space).
    private let returnPoints = Mutex(Set<UInt64>())
    private static let returnPointLimit = 1 << 20

    init(architecture: Architecture) { self.architecture = architecture }

    /// Packs what the entry callback needs into its userdata pointer (no allocation):
    /// bits 0-55 the instruction's address, 56-59 the instruction kind, 60-63 extra bytes to
    /// the return address beyond the instruction's length.
    static func pack(pc: UInt64, instruction: SyscallInstruction, returnExtra: UInt64) -> UInt {
        UInt(pc & 0x00FF_FFFF_FFFF_FFFF) | UInt(instruction.rawValue) << 56 | UInt(returnExtra) << 60
    }

    static func unpack(_ data: UInt) -> (pc: GuestAddress, instruction: SyscallInstruction, returnAddress: GuestAddress)? {
        let pc = UInt64(data) & 0x00FF_FFFF_FFFF_FFFF
        guard let kind = SyscallInstruction(rawValue: UInt8((data >> 56) & 0xF)) else { return nil }
        let extra = UInt64(data >> 60)
        return (GuestAddress(pc), kind, GuestAddress(pc).advanced(by: kind.length + extra))
    }

    /// Instruments one translation block.
    func instrument(_ tb: OpaquePointer, entry: qemu_plugin_vcpu_udata_cb_t, exit: qemu_plugin_vcpu_udata_cb_t) {
        let start = qemu_plugin_tb_vaddr(tb)
        guard architecture.isUserAddress(start) else { return }
        let count = qemu_plugin_tb_n_insns(tb)
        guard count > 0 else { return }
        if isReturnPoint(start), let first = qemu_plugin_tb_get_insn(tb, 0) {
            qemu_plugin_register_vcpu_insn_exec_cb(first, exit, QEMU_PLUGIN_CB_R_REGS, UnsafeMutableRawPointer(bitPattern: UInt(start)))
        }
        var bytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        for i in 0..<count {
            guard let insn = qemu_plugin_tb_get_insn(tb, i) else { continue }
            let size = qemu_plugin_insn_size(insn)
            guard size == (architecture == .x86_64 ? 2 : 4) else { continue }
            let copied = withUnsafeMutableBytes(of: &bytes) { qemu_plugin_insn_data(insn, $0.baseAddress, 4) }
            guard copied >= size,
                  let kind = withUnsafeBytes(of: &bytes, { SyscallInstruction.decode($0.prefix(copied), architecture: architecture) })
            else { continue }
            let pc = qemu_plugin_insn_vaddr(insn)
            var extra: UInt64 = 0
            if kind == .x86Sysenter {
                var next: (UInt8, UInt8) = (0, 0)
                let ok = withUnsafeMutableBytes(of: &next) { osprey_read_memory(pc + 2, $0.baseAddress, 2) }
                if ok && next == (0xCD, 0x80) { extra = 2 }
            }
            let data = Self.pack(pc: pc, instruction: kind, returnExtra: extra)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, entry, QEMU_PLUGIN_CB_R_REGS, UnsafeMutableRawPointer(bitPattern: data))
            addReturnPoint(pc + kind.length + extra)
        }
    }

    private func addReturnPoint(_ address: UInt64) {
        returnPoints.withLock { set in
            if set.count >= Self.returnPointLimit { set.removeAll(keepingCapacity: true) }
            set.insert(address)
        }
    }

    /// Whether a block starting at `address` is where some system call returns: known from a
    /// translated call site, or (if the block was translated before its call site) because a
    /// system-call instruction ends right before it.
    private func isReturnPoint(_ address: UInt64) -> Bool {
        if returnPoints.withLock({ $0.contains(address) }) { return true }
        let length = architecture == .x86_64 ? 2 : 4
        guard address & 0xFFF >= UInt64(length) else { return false }  // stay within the page
        var bytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { osprey_read_memory(address - UInt64(length), $0.baseAddress, length) }
        guard ok else { return false }
        let kind = withUnsafeBytes(of: &bytes) { SyscallInstruction.decode($0.prefix(length), architecture: architecture) }
        return kind != nil && kind != .x86Sysenter
    }
}
