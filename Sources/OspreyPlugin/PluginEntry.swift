import CQemuPlugin
import OspreyCore

/// The running plugin. Set once in install, before QEMU makes any other callback.
nonisolated(unsafe) private var installed: Plugin?

/// Called from the exported `qemu_plugin_install` (C). Returns 0 on success; any other value
/// makes QEMU refuse to start, after we have said why on stderr.
@_cdecl("osprey_swift_plugin_install")
func ospreySwiftPluginInstall(
    _ id: qemu_plugin_id_t, _ info: UnsafePointer<qemu_info_t>?, _ argc: Int32,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let info else { return 1 }
    let target = info.pointee.target_name.map { String(cString: $0) } ?? "?"
    guard let architecture = Architecture(qemuTargetName: target) else {
        Plugin.log("osprey plugin: unsupported target '\(target)' (supported: x86_64, aarch64)")
        return 1
    }
    guard info.pointee.system_emulation else {
        Plugin.log("osprey plugin: needs full-system emulation (qemu-system-*), not user mode")
        return 1
    }
    var arguments: [String] = []
    for i in 0..<Int(argc) {
        if let a = argv?[i] { arguments.append(String(cString: a)) }
    }
    do {
        let options = try PluginOptions(arguments: arguments)
        let maxVCPUs = Int(info.pointee.system.max_vcpus)
        installed = try Plugin(architecture: architecture, options: options, maxVCPUs: maxVCPUs)
    } catch {
        Plugin.log("\(error)")
        return 1
    }
    qemu_plugin_register_vcpu_init_cb(id) { _, vcpu in
        installed?.vcpuStarted(Int(vcpu))
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id) { _, tb in
        guard let tb, let plugin = installed else { return }
        plugin.progress?.startIfNeeded()
        plugin.instructions.instrument(tb)
        if plugin.options.mode == .count { return }
        if let flag = plugin.kernelStopFlag {
            let start = qemu_plugin_tb_vaddr(tb)
            if !plugin.architecture.isUserAddress(start) {
                qemu_plugin_register_vcpu_tb_exec_cond_cb(
                    tb, { vcpu, data in installed?.kernelBlock(vcpu: Int(vcpu), pc: UInt64(UInt(bitPattern: data))) },
                    QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_COND_EQ, flag, 1, UnsafeMutableRawPointer(bitPattern: UInt(start)))
                plugin.monitors?.instrumentStores(tb) { vcpu, _, address, _ in
                    installed?.monitors?.storeWatched(vcpu: Int(vcpu), address: address)
                }
                return
            }
        }
        plugin.sites.instrument(tb, entry: { vcpu, data in
            installed?.syscallEntered(vcpu: Int(vcpu), data: UInt(bitPattern: data))
        }, exit: { vcpu, data in
            installed?.syscallReturned(vcpu: Int(vcpu), pc: UInt(bitPattern: data))
        })
    }
    qemu_plugin_register_atexit_cb(id, { _, _ in installed?.finish() }, nil)
    return 0
}
