import CQemuPlugin
import OspreyCore

/// Register handles of one vCPU, looked up by name when the vCPU starts.
final class VCPURegisters: @unchecked Sendable {
    // Written once in the vCPU's init callback, then only read by that vCPU's thread.
    private var handles = [OpaquePointer?](repeating: nil, count: ArchRegister.allCases.count)

    /// Looks up the handles of `registers` among the current vCPU's registers. Returns the
    /// names QEMU did not list.
    func load(_ registers: [ArchRegister]) -> [String] {
        var descriptors = [qemu_plugin_reg_descriptor](repeating: qemu_plugin_reg_descriptor(), count: 1024)
        let count = descriptors.withUnsafeMutableBufferPointer { osprey_get_registers($0.baseAddress, $0.count) }
        var byName: [String: OpaquePointer] = [:]
        for d in descriptors.prefix(min(count, descriptors.count)) {
            guard let name = d.name, let handle = d.handle else { continue }
            byName[String(cString: name)] = handle
        }
        var missing: [String] = []
        for r in registers {
            handles[r.rawValue] = byName[r.qemuName]
            if handles[r.rawValue] == nil { missing.append(r.qemuName) }
        }
        return missing
    }

    @inline(__always) func handle(_ r: ArchRegister) -> OpaquePointer? { handles[r.rawValue] }
}

/// Reads registers of the vCPU whose callback is running (qemu_plugin_read_register).
struct QemuRegisterReader: RegisterReader {
    let registers: VCPURegisters

    @inline(__always) func read(_ register: ArchRegister) -> UInt64? {
        guard let h = registers.handle(register) else { return nil }
        var value: UInt64 = 0
        return osprey_read_register_u64(h, &value) ? value : nil
    }
}

/// Reads guest virtual memory through the current vCPU (qemu_plugin_read_memory_vaddr).
struct QemuGuestMemory: GuestMemory {
    @inline(__always) func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        return osprey_read_memory(address.rawValue, base, buffer.count)
    }
}
