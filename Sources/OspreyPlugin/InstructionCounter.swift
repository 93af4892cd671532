import CQemuPlugin

/// Osprey's instruction count, the clock of a trace (`icount` in events).
///
/// Every translation block adds its number of instructions to its vCPU's scoreboard entry
/// when it starts executing: an inline add QEMU generates into the block, no call. The count
/// is therefore exact at block granularity: an event inside a block carries the count through
/// the end of that block, and a block left early (a fault) still counts whole. Under
/// record/replay the same blocks run in the same order, so the count of a moment is the same
/// in every replay of a recording, whatever else is instrumented.
final class InstructionCounter: @unchecked Sendable {
    // @unchecked: the scoreboard is QEMU's; its entries are written by generated code and
    // read here with qemu_plugin_u64_sum.
    let entry: qemu_plugin_u64

    init() {
        entry = qemu_plugin_u64(score: qemu_plugin_scoreboard_new(8), offset: 0)
    }

    /// Adds the block's instruction count to the executing vCPU's entry each time it starts.
    /// Called from the translation callback (qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu).
    func instrument(_ tb: OpaquePointer) {
        let count = qemu_plugin_tb_n_insns(tb)
        guard count > 0 else { return }
        qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64, entry, UInt64(count))
    }

    /// Instructions executed so far by all vCPUs (qemu_plugin_u64_sum). Exact when vCPUs run
    /// one at a time (record/replay); with parallel vCPUs the others' counts are a moment old.
    var total: UInt64 { qemu_plugin_u64_sum(entry) }
}
