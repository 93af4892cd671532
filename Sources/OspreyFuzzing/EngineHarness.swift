import OspreyCore

/// The profile engine and the Linux test graph on a sequence of captured stops the fuzzer
/// mutates. The first byte picks which fields start as given (from BTF), so the deeper tests of
/// the graph run at once on any stop; then each decoded stop goes to the profiler, in search or
/// in validating mode, and the profile and the check report are made at the end.
public enum EngineHarness {
    /// Groups of fields given together, by bit of the first byte.
    static let groups: [[String]] = [
        ["current_task", "task_struct.pid", "task_struct.tgid"],
        ["task_struct.comm", "task_struct.tasks", "task_struct.real_parent"],
        ["task_struct.files", "files_struct.fdt", "fdtable.fd", "file.f_path", "path.dentry", "dentry.d_name"],
        ["task_struct.mm", "mm_struct.mm_mt", "vm_area_struct.vm_start", "vm_area_struct.vm_end"],
        ["task_struct.real_cred", "cred.uid", "cred.gid"],
        ["task_struct.fs", "fs_struct.pwd", "fs_struct.root", "mount.mnt", "mount.mnt_parent"],
    ]
    static let profiles: [KernelProfile] = (0..<128).map { mask in
        var keys: Set<String> = []
        for (bit, group) in groups.enumerated() where mask & (1 << bit) != 0 { keys.formUnion(group) }
        return FuzzFixtures.profile(keys: keys)
    }

    public static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        guard let mode = input.readU8() else { return }
        let given = mode & 0x3F == 0 ? nil : profiles[Int(mode & 0x3F)]
        let profiler = LinuxProfiler(architecture: .x86_64, given: given, validating: mode & 0x40 != 0 && given != nil)
        var count = 0
        while count < 64, let captured = FuzzStopCodec.decode(&input) {
            profiler.stop(captured.stop, memory: CapturedMemory(captured.pages))
            count += 1
        }
        _ = profiler.profile().jsonText()
        if mode & 0x40 != 0 { _ = profiler.checkReport() }
    }
}
